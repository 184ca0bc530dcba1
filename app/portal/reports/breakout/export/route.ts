import { hiddenPortalFeatureResponse } from "@/lib/portal/feature-gate";
import { breakoutExportResponse } from "@/lib/reports/breakout-export";

export async function GET(req: Request) {
  return (await hiddenPortalFeatureResponse("breakout")) ?? breakoutExportResponse(req, "portal");
}
