import { auditEntryResponse } from "@/lib/audit-http/entry-response";
import { hiddenPortalFeatureResponse } from "@/lib/portal/feature-gate";

export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  return (
    (await hiddenPortalFeatureResponse("auditLog")) ??
    auditEntryResponse((await params).id, "portal")
  );
}
