import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { connection } from "next/server";
import { AuditLogView } from "@/components/audit/audit-log-view";
import { requireStaff } from "@/lib/auth/session";
import type { RawSearchParams } from "@/lib/search/audit-page-params";
import { getAuditPolicy } from "@/lib/visibility/current-policy";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditLogPage({
  searchParams,
}: {
  searchParams: Promise<RawSearchParams>;
}) {
  await connection();
  // The viewer's lookups start alongside the guard's (both read the same cached session).
  const policyLookup = getAuditPolicy();
  policyLookup.catch(() => {}); // awaited below unless the guard redirects first
  await requireStaff();
  const policy = await policyLookup;
  if (!policy) forbidden();
  return <AuditLogView policy={policy} basePath="/audit-log" searchParams={await searchParams} />;
}
