import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { RecordHistory } from "@/app/(control-panel)/_components/record-history";
import { getDb } from "@/db/client";
import { findAccount, findIngressRoute } from "@/lib/accounts/queries";
import { can } from "@/lib/auth/permissions";
import { requirePermission } from "@/lib/auth/session";
import { ingressFormValues } from "@/lib/ingress/form-values";
import { ActionButton } from "../../../_components/action-button";
import { IngressForm } from "../../../_components/ingress-form";
import { RestoreList } from "../../../_components/restore-list";
import { Facts, Tabs } from "../../../_components/tabs";
import { deleteIngressAction, updateIngressAction } from "../../../actions";
import { getAuditPolicy } from "@/lib/visibility/current-policy";

export const metadata: Metadata = { title: "Ingress route" };

const TABS = [
  { key: "details", label: "Details" },
  { key: "history", label: "History" },
] as const;

export default async function IngressRoutePage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string; ingressId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await connection();
  const user = await requirePermission("accounts:read");
  const { id: idText, ingressId: ingressText } = await params;
  const accountId = Number(idText);
  const ingressId = Number(ingressText);
  if (!Number.isSafeInteger(accountId) || !Number.isSafeInteger(ingressId)) notFound();
  const db = await getDb();
  const route = await findIngressRoute(db, ingressId);
  // The URL's account must own the route: no reaching a route through another account's page.
  if (!route || route.accountId !== accountId) notFound();
  const account = await findAccount(db, accountId);
  const tabParam = (await searchParams).tab;
  const tab = TABS.find((t) => t.key === tabParam)?.key ?? "details";
  const manage = can(user.role, "accounts:manage");
  // Whether this viewer may read the record's history at all.
  const policy = await getAuditPolicy();
  const base = `/accounts/${accountId}/ingress/${ingressId}`;

  return (
    <div className="space-y-4">
      <header className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <Link
            href={`/accounts/${accountId}?tab=ingress`}
            className="text-sm text-brand underline"
          >
            {account?.name ?? "Account"} ({accountId})
          </Link>
          <h1 className="text-xl font-semibold">
            {route.name} <span className="text-slate-500">(Ingress ID {route.id})</span>
          </h1>
        </div>
        {manage ? (
          <ActionButton
            action={deleteIngressAction}
            fields={{ id: String(route.id) }}
            label="Delete route"
            confirm={{
              title: `Delete ingress route ${route.name}?`,
              description: "Calls arriving on this route will no longer be accepted.",
              confirmLabel: "Delete route",
            }}
          />
        ) : null}
      </header>

      <Tabs base={base} active={tab} tabs={TABS} />

      {tab === "details" ? (
        manage ? (
          <IngressForm action={updateIngressAction} values={ingressFormValues(route)} mode="edit" />
        ) : (
          <Facts
            items={[
              ["Tech prefix", route.techPrefix],
              ["Allowed IPs", route.allowedIps.join("\n")],
              ["Channels", route.channels],
              ["CPS", route.cps],
              ["Max call duration (s)", route.maxDurationS],
              ["Status", route.status],
              ["Notes", route.notes],
            ]}
          />
        )
      ) : null}

      {tab === "history" && policy ? (
        <div className="space-y-4">
          <RecordHistory table="ingress_routes" recordPk={route.id} />
          {manage ? <RestoreList table="ingress_routes" recordPk={route.id} /> : null}
        </div>
      ) : null}
    </div>
  );
}
