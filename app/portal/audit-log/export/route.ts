import { auditExportResponse } from "@/lib/audit-http/export-response";

export function GET(req: Request) {
  return auditExportResponse(req, "portal");
}
