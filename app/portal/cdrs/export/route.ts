import { cdrExportResponse } from "@/lib/cdrs/export-response";

export function GET(req: Request) {
  return cdrExportResponse(req, "portal");
}
