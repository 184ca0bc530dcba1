import { auditLiveResponse } from "@/lib/audit/live/response";
import { hiddenPortalFeatureResponse } from "@/lib/portal/feature-gate";

export async function GET(req: Request) {
  return (await hiddenPortalFeatureResponse("auditLog")) ?? auditLiveResponse(req, "portal");
}
