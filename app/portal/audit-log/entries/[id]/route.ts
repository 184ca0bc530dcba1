import { auditEntryResponse } from "@/lib/audit-http/entry-response";

export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  return auditEntryResponse((await params).id, "portal");
}
