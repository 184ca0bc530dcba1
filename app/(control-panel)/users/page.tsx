import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { getDb } from "@/db/client";
import { USER_ROLES } from "@/db/schema";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { requirePermission } from "@/lib/auth/session";
import { listAccountChoices, listUsers } from "@/lib/users/queries";
import { InviteForm } from "./_components/invite-form";
import { inviteUserAction } from "./actions";

export const metadata: Metadata = { title: "Users" };

const STATUS_STYLE: Record<string, string> = {
  active: "bg-green-50 text-green-800",
  invited: "bg-amber-50 text-amber-800",
  disabled: "bg-slate-100 text-slate-600",
};

export default async function UsersPage() {
  await connection();
  await requirePermission("users:manage");
  const db = await getDb();
  const [rows, accounts] = await Promise.all([listUsers(db), listAccountChoices(db)]);
  return (
    <div className="space-y-8">
      <header>
        <h1 className="text-xl font-semibold">Users</h1>
        <p className="text-sm text-slate-600">
          Staff and portal users. An invitation emails a single-use link (valid 72 hours) to set a
          password; without a mail server it waits in the email outbox.
        </p>
      </header>

      <section className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-3 font-semibold">Invite a user</h2>
        <InviteForm
          action={inviteUserAction}
          roles={USER_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
          accounts={accounts}
        />
      </section>

      <table data-testid="users-table" className="w-full text-left text-sm">
        <thead className="border-b border-slate-200 text-slate-600">
          <tr>
            <th className="py-2 pr-3">Name</th>
            <th className="py-2 pr-3">Email</th>
            <th className="py-2 pr-3">Role</th>
            <th className="py-2 pr-3">Account</th>
            <th className="py-2 pr-3">Status</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((u) => (
            <tr key={u.id}>
              <td className="py-2 pr-3">
                <Link href={`/users/${u.id}`} className="text-brand underline">
                  {u.name}
                </Link>
              </td>
              <td className="py-2 pr-3">{u.email}</td>
              <td className="py-2 pr-3">
                {ROLE_LABELS[u.role]}
                {u.portalAdmin ? (
                  <span className="ml-2 rounded bg-blue-50 px-2 py-0.5 text-xs text-blue-800">
                    Portal admin
                  </span>
                ) : null}
              </td>
              <td className="py-2 pr-3">
                {u.accountId ? `${u.accountName ?? ""} (${u.accountId})` : "—"}
              </td>
              <td className="py-2 pr-3">
                <span className={`rounded px-2 py-0.5 text-xs ${STATUS_STYLE[u.status] ?? ""}`}>
                  {u.status}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
