import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { connection } from "next/server";
import { AuditLogView } from "@/components/audit/audit-log-view";
import { getDb } from "@/db/client";
import { findAuditLogView } from "@/lib/audit/queries/audit-log-view";
import { requirePermission } from "@/lib/auth/session";
import type { RawSearchParams } from "@/lib/search/audit-page-params";
import { getAuditPolicy } from "@/lib/visibility/current-policy";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditLogPage({
  searchParams,
}: {
  searchParams: Promise<RawSearchParams>;
}) {
  await connection();
  await requirePermission("audit:read");
  const policy = await getAuditPolicy();
  if (!policy) forbidden();
  const view = await findAuditLogView(await getDb(), policy, await searchParams);
  return <AuditLogView policy={policy} basePath="/audit-log" view={view} />;
}
