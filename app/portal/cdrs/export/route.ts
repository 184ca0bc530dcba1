import { cdrExportResponse } from "@/lib/cdrs/export-response";
import { hiddenPortalFeatureResponse } from "@/lib/portal/feature-gate";

export async function GET(req: Request) {
  return (await hiddenPortalFeatureResponse("cdrs")) ?? cdrExportResponse(req, "portal");
}
