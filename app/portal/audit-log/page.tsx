import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { connection } from "next/server";
import { AuditLogView } from "@/components/audit/audit-log-view";
import { auditScopeFor } from "@/lib/audit/viewer-scope";
import { requirePortalUser } from "@/lib/auth/session";
import type { RawSearchParams } from "@/lib/search/audit-page-params";

export const metadata: Metadata = { title: "Audit log" };

export default async function PortalAuditLogPage({
  searchParams,
}: {
  searchParams: Promise<RawSearchParams>;
}) {
  await connection();
  const user = await requirePortalUser();
  const scope = auditScopeFor(user);
  if (!scope) forbidden();
  return (
    <AuditLogView
      viewer={user}
      scope={scope}
      basePath="/portal/audit-log"
      searchParams={await searchParams}
    />
  );
}
