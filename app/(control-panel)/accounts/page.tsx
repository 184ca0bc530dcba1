import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { getDb } from "@/db/client";
import { ACCOUNT_STATUSES, ACCOUNT_TYPES } from "@/db/schema";
import { accountListFilters, listAccounts, type AccountListFilters } from "@/lib/accounts/queries";
import { can } from "@/lib/auth/permissions";
import { requirePermission } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Accounts" };

/** The list's URL for some filters: the URL is the whole state (shareable, back-button safe). */
function hrefFor(filters: AccountListFilters): string {
  const params = new URLSearchParams();
  if (filters.q) params.set("q", filters.q);
  if (filters.type) params.set("type", filters.type);
  if (filters.status) params.set("status", filters.status);
  if (filters.after) params.set("after", String(filters.after));
  const query = params.toString();
  return query ? `/accounts?${query}` : "/accounts";
}

export default async function AccountsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await connection();
  const user = await requirePermission("accounts:read");
  const filters = accountListFilters(await searchParams);
  const { rows, nextAfter } = await listAccounts(await getDb(), filters);
  const selectClass = "rounded-md border border-slate-300 px-2 py-1.5 text-sm";

  return (
    <div className="space-y-4">
      <header className="flex items-center justify-between">
        <h1 className="text-xl font-semibold">Accounts</h1>
        {can(user.role, "accounts:manage") ? (
          <Link
            href="/accounts/new"
            className="rounded-md bg-brand px-4 py-2 text-sm font-medium text-white"
          >
            New account
          </Link>
        ) : null}
      </header>

      {/* A plain GET form: filtering needs no JavaScript and lands in the URL. */}
      <form
        method="get"
        action="/accounts"
        className="flex flex-wrap items-end gap-2"
        role="search"
      >
        <label className="text-sm">
          <span className="sr-only">Search accounts</span>
          <input
            type="search"
            name="q"
            defaultValue={filters.q ?? ""}
            placeholder="Name or account ID"
            aria-label="Search accounts"
            className="w-64 rounded-md border border-slate-300 px-3 py-1.5 text-sm"
          />
        </label>
        <select
          name="type"
          defaultValue={filters.type ?? ""}
          aria-label="Type"
          className={selectClass}
        >
          <option value="">All types</option>
          {ACCOUNT_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <select
          name="status"
          defaultValue={filters.status ?? ""}
          aria-label="Status"
          className={selectClass}
        >
          <option value="">All statuses</option>
          {ACCOUNT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.replace("_", " ")}
            </option>
          ))}
        </select>
        <button type="submit" className="rounded-md border border-slate-300 px-3 py-1.5 text-sm">
          Filter
        </button>
      </form>

      <table
        className="w-full rounded-lg border border-slate-200 bg-white text-sm"
        data-testid="accounts-table"
      >
        <thead className="bg-slate-50 text-left">
          <tr>
            <th className="px-3 py-2">Account ID</th>
            <th className="px-3 py-2">Name</th>
            <th className="px-3 py-2">Type</th>
            <th className="px-3 py-2">Status</th>
            <th className="px-3 py-2">Currency</th>
            <th className="px-3 py-2 text-right">Credit limit</th>
            <th className="px-3 py-2 text-right">Channels / CPS</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr key={a.id} className="border-t border-slate-100">
              <td className="px-3 py-2 tabular-nums">{a.id}</td>
              <td className="px-3 py-2">
                <Link href={`/accounts/${a.id}`} className="text-brand underline">
                  {a.name}
                </Link>
              </td>
              <td className="px-3 py-2">{a.type}</td>
              <td className="px-3 py-2">{a.status.replace("_", " ")}</td>
              <td className="px-3 py-2">{a.currency}</td>
              <td className="px-3 py-2 text-right tabular-nums">{a.creditLimit}</td>
              <td className="px-3 py-2 text-right tabular-nums">
                {a.channels} / {a.cps}
              </td>
            </tr>
          ))}
          {rows.length === 0 ? (
            <tr>
              <td colSpan={7} className="px-3 py-6 text-center text-slate-500">
                No accounts match.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>

      <nav className="flex gap-3 text-sm" aria-label="Pages">
        {filters.after ? (
          <Link href={hrefFor({ ...filters, after: undefined })} className="text-brand underline">
            First page
          </Link>
        ) : null}
        {nextAfter ? (
          <Link href={hrefFor({ ...filters, after: nextAfter })} className="text-brand underline">
            Next page
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
