import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { RecordHistory } from "@/app/(control-panel)/_components/record-history";
import { getAuditPolicy } from "@/lib/visibility/current-policy";
import { getDb } from "@/db/client";
import { accountFormValues, findAccount, listIngressRoutes } from "@/lib/accounts/queries";
import { can } from "@/lib/auth/permissions";
import { requirePermission } from "@/lib/auth/session";
import { AccountForm } from "../_components/account-form";
import { ActionButton } from "../_components/action-button";
import { IngressForm } from "../_components/ingress-form";
import { RestoreList } from "../_components/restore-list";
import { Facts, Tabs } from "../_components/tabs";
import {
  createIngressAction,
  deleteAccountAction,
  setAccountStatusAction,
  updateAccountAction,
} from "../actions";

export const metadata: Metadata = { title: "Account" };

const TABS = [
  { key: "details", label: "Details" },
  { key: "ingress", label: "Ingress routes" },
  { key: "history", label: "History" },
] as const;

export default async function AccountPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await connection();
  const user = await requirePermission("accounts:read");
  const id = Number((await params).id);
  if (!Number.isSafeInteger(id)) notFound();
  const db = await getDb();
  const account = await findAccount(db, id);
  if (!account) notFound();
  const tabParam = (await searchParams).tab;
  const tab = TABS.find((t) => t.key === tabParam)?.key ?? "details";
  const manage = can(user.role, "accounts:manage");
  // Whether this viewer may read the record's history at all.
  const policy = await getAuditPolicy();

  return (
    <div className="space-y-4">
      <header className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <Link href="/accounts" className="text-sm text-brand underline">
            Accounts
          </Link>
          <h1 className="text-xl font-semibold">
            {account.name} <span className="text-slate-500">({account.id})</span>
          </h1>
          <p className="text-sm text-slate-600" data-testid="account-status">
            {account.type} · {account.status.replace("_", " ")} · {account.currency}
          </p>
        </div>
        {manage ? (
          <div className="flex flex-wrap items-center gap-2">
            {account.status === "suspended" ? (
              <ActionButton
                action={setAccountStatusAction}
                fields={{ id: String(id), status: "active" }}
                label="Reactivate"
              />
            ) : (
              <ActionButton
                action={setAccountStatusAction}
                fields={{ id: String(id), status: "suspended" }}
                label="Suspend"
                confirm={{
                  title: `Suspend ${account.name}?`,
                  description: "Its traffic will be refused until it is reactivated.",
                  confirmLabel: "Suspend",
                }}
              />
            )}
            <ActionButton
              action={deleteAccountAction}
              fields={{ id: String(id) }}
              label="Delete"
              confirm={{
                title: `Delete ${account.name}?`,
                description:
                  "The account is removed for good with everything it owns: its ingress routes, portal users (and their API keys), emails, CDR field settings, CDRs and daily summaries. The audit history stays, with an entry for each record removed.",
                confirmLabel: "Delete account",
              }}
            />
          </div>
        ) : null}
      </header>

      <Tabs base={`/accounts/${id}`} active={tab} tabs={TABS} />

      {tab === "details" ? (
        manage ? (
          <AccountForm
            action={updateAccountAction}
            values={accountFormValues(account)}
            mode="edit"
          />
        ) : (
          <Facts
            items={[
              ["Name", account.name],
              ["Currency", account.currency],
              ["Credit limit", account.creditLimit],
              ["Channels", account.channels],
              ["Calls per second", account.cps],
              ["Billing email", account.billingEmail],
              ["Country", account.country],
              ["Public notes", account.notesPublic],
              ["Private notes", account.notesPrivate],
            ]}
          />
        )
      ) : null}

      {tab === "ingress" ? (
        <IngressTab accountId={id} manage={manage} isCustomer={account.type === "customer"} />
      ) : null}

      {tab === "history" && policy ? (
        <div className="space-y-4">
          <RecordHistory table="accounts" recordPk={id} />
          {manage ? <RestoreList table="accounts" recordPk={id} /> : null}
        </div>
      ) : null}
    </div>
  );
}

async function IngressTab({
  accountId,
  manage,
  isCustomer,
}: {
  accountId: number;
  manage: boolean;
  isCustomer: boolean;
}) {
  const routes = await listIngressRoutes(await getDb(), accountId);
  return (
    <div className="space-y-6">
      <table
        className="w-full rounded-lg border border-slate-200 bg-white text-sm"
        data-testid="ingress-table"
      >
        <thead className="bg-slate-50 text-left">
          <tr>
            <th className="px-3 py-2">Ingress ID</th>
            <th className="px-3 py-2">Name</th>
            <th className="px-3 py-2">Tech prefix</th>
            <th className="px-3 py-2">Allowed IPs</th>
            <th className="px-3 py-2">Status</th>
          </tr>
        </thead>
        <tbody>
          {routes.map((r) => (
            <tr key={r.id} className="border-t border-slate-100">
              <td className="px-3 py-2 tabular-nums">{r.id}</td>
              <td className="px-3 py-2">
                <Link
                  href={`/accounts/${accountId}/ingress/${r.id}`}
                  className="text-brand underline"
                >
                  {r.name}
                </Link>
              </td>
              <td className="px-3 py-2">{r.techPrefix || "—"}</td>
              <td className="px-3 py-2">{r.allowedIps.join(", ") || "—"}</td>
              <td className="px-3 py-2">{r.status}</td>
            </tr>
          ))}
          {routes.length === 0 ? (
            <tr>
              <td colSpan={5} className="px-3 py-6 text-center text-slate-500">
                No ingress routes.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      {manage && isCustomer ? (
        <section className="space-y-2">
          <h2 className="font-semibold">Add an ingress route</h2>
          <IngressForm
            action={createIngressAction}
            values={{ accountId: String(accountId) }}
            mode="create"
          />
        </section>
      ) : null}
      {!isCustomer ? (
        <p className="text-sm text-slate-500">Carriers have no ingress routes.</p>
      ) : null}
    </div>
  );
}
