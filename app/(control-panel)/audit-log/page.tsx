import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { connection } from "next/server";
import { AuditLogView } from "@/components/audit/audit-log-view";
import { auditScopeFor, tableOptionsFor } from "@/lib/audit/viewer-scope";
import { requireStaff } from "@/lib/auth/session";
import type { RawSearchParams } from "@/lib/search/audit-page-params";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditLogPage({
  searchParams,
}: {
  searchParams: Promise<RawSearchParams>;
}) {
  await connection();
  const user = await requireStaff();
  const scope = auditScopeFor(user);
  if (!scope) forbidden();
  return (
    <AuditLogView
      viewer={user}
      scope={scope}
      basePath="/audit-log"
      searchParams={await searchParams}
      tableOptions={tableOptionsFor(scope)}
    />
  );
}
