import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { connection } from "next/server";
import { BreakoutView } from "@/components/reports/breakout-view";
import { getDb } from "@/db/client";
import { requirePortalUser } from "@/lib/auth/session";
import { requirePortalFeature } from "@/lib/portal/feature-gate";
import { getCdrPolicy } from "@/lib/cdrs/viewer-policy";
import { loadBreakoutView } from "@/lib/reports/breakout";
import type { RawSearchParams } from "@/lib/reports/breakout-params";

export const metadata: Metadata = { title: "Breakout report" };

export default async function PortalBreakoutReportPage({
  searchParams,
}: {
  searchParams: Promise<RawSearchParams>;
}) {
  await connection();
  // The viewer's policy is read alongside the guard's session check (both cached per request).
  const policyLookup = getCdrPolicy();
  policyLookup.catch(() => {}); // awaited below unless the guard redirects first
  await requirePortalUser();
  await requirePortalFeature("breakout");
  const policy = await policyLookup;
  if (!policy || policy.audience === "staff") forbidden();
  const view = await loadBreakoutView(await getDb(), policy, await searchParams);
  return <BreakoutView basePath="/portal/reports/breakout" view={view} policy={policy} />;
}
