import { breakoutExportResponse } from "@/lib/reports/breakout-export";

export function GET(req: Request) {
  return breakoutExportResponse(req, "staff");
}
