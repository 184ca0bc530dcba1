import { auditLiveResponse } from "@/lib/audit/live/response";

export function GET(req: Request) {
  return auditLiveResponse(req, "portal");
}
