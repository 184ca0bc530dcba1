import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { findAccountSummary, findTodayTraffic } from "@/lib/portal/account-summary";
import { requirePortalUser } from "@/lib/auth/session";
import { portalFeatures } from "@/lib/portal/features";

export const metadata: Metadata = { title: "Home" };

function money(value: string, currency: string) {
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(Number(value));
}

export default async function PortalHome() {
  const user = await requirePortalUser();
  const db = await getDb();
  const account = await findAccountSummary(db, user.accountId);
  if (!account) notFound();
  const [traffic, shown] = await Promise.all([
    findTodayTraffic(db, account.id, account.type),
    portalFeatures(db),
  ]);
  const asr =
    traffic.attempts > 0 ? ((traffic.connected / traffic.attempts) * 100).toFixed(1) : "—";
  const stats = [
    ...(account.balance === null || !shown.balance
      ? []
      : [{ label: "Balance", value: money(account.balance, account.currency) }]),
    { label: "Credit limit", value: money(account.creditLimit, account.currency) },
    { label: "Calls today", value: traffic.attempts.toLocaleString("en-US") },
    { label: "ASR today", value: asr === "—" ? asr : `${asr} %` },
    { label: "Minutes today", value: traffic.minutes },
  ];
  return (
    <section>
      <h1 className="text-xl font-semibold">{account.name}</h1>
      <p className="text-sm text-slate-600">
        Account {account.id} · {account.type} · {account.status}
      </p>
      <dl className="mt-6 grid grid-cols-2 gap-4 md:grid-cols-5">
        {stats.map((s) => (
          <div key={s.label} className="rounded-lg border border-slate-200 bg-white p-4">
            <dt className="text-xs text-slate-500 uppercase">{s.label}</dt>
            <dd className="mt-1 text-lg font-semibold">{s.value}</dd>
          </div>
        ))}
      </dl>
      {account.notesPublic ? (
        <p className="mt-6 text-sm text-slate-700">{account.notesPublic}</p>
      ) : null}
    </section>
  );
}
