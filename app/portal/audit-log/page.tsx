import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { connection } from "next/server";
import { AuditLogView } from "@/components/audit/audit-log-view";
import { getDb } from "@/db/client";
import { findAuditLogView } from "@/lib/audit/queries/audit-log-view";
import { requirePortalUser } from "@/lib/auth/session";
import { requirePortalFeature } from "@/lib/portal/feature-gate";
import type { RawSearchParams } from "@/lib/search/audit-page-params";
import { getAuditPolicy } from "@/lib/visibility/current-policy";

export const metadata: Metadata = { title: "Audit log" };

export default async function PortalAuditLogPage({
  searchParams,
}: {
  searchParams: Promise<RawSearchParams>;
}) {
  await connection();
  // The viewer's lookups start alongside the guard's (both read the same cached session).
  const policyLookup = getAuditPolicy();
  policyLookup.catch(() => {}); // awaited below unless the guard redirects first
  await requirePortalUser();
  await requirePortalFeature("auditLog");
  const policy = await policyLookup;
  if (!policy) forbidden();
  const view = await findAuditLogView(await getDb(), policy, await searchParams);
  return <AuditLogView policy={policy} basePath="/portal/audit-log" view={view} />;
}
