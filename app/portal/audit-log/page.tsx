import type { Metadata } from "next";
import { getDb } from "@/db/client";
import { findRecentAuditEntries } from "@/db/queries/audit-log";
import { AuditTable } from "@/components/audit/audit-table";
import { requirePortalUser } from "@/lib/auth/session";
import { defaultAuditColumns } from "@/lib/visibility/audit-columns";

export const metadata: Metadata = { title: "Audit log" };

export default async function PortalAuditLogPage() {
  const user = await requirePortalUser();
  const columns = defaultAuditColumns(user.role);
  const rows = await findRecentAuditEntries(
    await getDb(),
    { kind: "account", accountId: user.accountId },
    columns,
  );
  return (
    <section>
      <h1 className="mb-4 text-xl font-semibold">Audit log</h1>
      <AuditTable rows={rows} columns={columns} timeZone={user.timeZone} />
    </section>
  );
}
