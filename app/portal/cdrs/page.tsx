import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { connection } from "next/server";
import { CdrListView } from "@/components/cdrs/cdr-list-view";
import { getDb } from "@/db/client";
import { requirePortalUser } from "@/lib/auth/session";
import { requirePortalFeature } from "@/lib/portal/feature-gate";
import { parseCdrPageParams, type RawSearchParams } from "@/lib/cdrs/page-params";
import { findCdrListView } from "@/lib/cdrs/queries";
import { getCdrPolicy } from "@/lib/cdrs/viewer-policy";

export const metadata: Metadata = { title: "CDRs" };

/** The account's own calls (a carrier's: those it terminated), with its effective fields only. */
export default async function PortalCdrsPage({
  searchParams,
}: {
  searchParams: Promise<RawSearchParams>;
}) {
  await connection();
  await requirePortalUser();
  await requirePortalFeature("cdrs");
  const policy = await getCdrPolicy();
  if (!policy || policy.scope.kind === "all") forbidden();
  const view = await findCdrListView(await getDb(), policy, parseCdrPageParams(await searchParams));
  return <CdrListView policy={policy} basePath="/portal/cdrs" {...view} />;
}
