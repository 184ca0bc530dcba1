import { auditExportResponse } from "@/lib/audit-http/export-response";
import { hiddenPortalFeatureResponse } from "@/lib/portal/feature-gate";

export async function GET(req: Request) {
  return (await hiddenPortalFeatureResponse("auditLog")) ?? auditExportResponse(req, "portal");
}
