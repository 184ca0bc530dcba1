import type { Metadata } from "next";
import { connection } from "next/server";
import { getDb } from "@/db/client";
import { findRecentAuditEntries, type AuditScope } from "@/db/queries/audit-log";
import { AuditTable } from "@/components/audit/audit-table";
import { can } from "@/lib/auth/permissions";
import { requireStaff } from "@/lib/auth/session";
import { BRANDING_TABLES } from "@/lib/audit/tables";
import { defaultAuditColumns } from "@/lib/visibility/audit-columns";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditLogPage() {
  await connection();
  const user = await requireStaff();
  const scope: AuditScope = can(user.role, "audit:read-all-tables")
    ? { kind: "all" }
    : { kind: "tables", tables: BRANDING_TABLES };
  const columns = defaultAuditColumns(user.role);
  const rows = await findRecentAuditEntries(await getDb(), scope, columns);
  return (
    <section>
      <h1 className="mb-4 text-xl font-semibold">Audit log</h1>
      <AuditTable rows={rows} columns={columns} timeZone={user.timeZone} />
    </section>
  );
}
