import type { Metadata } from "next";
import { forbidden, notFound } from "next/navigation";
import { connection } from "next/server";
import { CdrRecord } from "@/components/cdrs/cdr-record";
import { getDb } from "@/db/client";
import { requirePortalUser } from "@/lib/auth/session";
import { requirePortalFeature } from "@/lib/portal/feature-gate";
import { findCdr, findCdrNames } from "@/lib/cdrs/queries";
import { getCdrPolicy } from "@/lib/cdrs/viewer-policy";

export const metadata: Metadata = { title: "Call record" };

export default async function PortalCdrRecordPage({
  params,
}: {
  params: Promise<{ ref: string }>;
}) {
  await connection();
  await requirePortalUser();
  await requirePortalFeature("cdrs");
  const policy = await getCdrPolicy();
  if (!policy || policy.scope.kind === "all") forbidden();
  const db = await getDb();
  // Another account's call, or a reference this server did not seal: not found.
  const row = await findCdr(db, policy, (await params).ref);
  if (!row) notFound();
  const names = await findCdrNames(db, policy, [row]);
  return <CdrRecord policy={policy} row={row} names={names} backHref="/portal/cdrs" />;
}
