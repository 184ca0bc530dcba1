import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { getDb } from "@/db/client";
import { requirePortalUser } from "@/lib/auth/session";
import { requirePortalFeature } from "@/lib/portal/feature-gate";
import { listPortalUsers } from "@/lib/portal/users";
import { formatSignIn, STATUS_STYLE } from "./_components/format";
import { InviteForm } from "./_components/invite-form";
import { StatusButton } from "./_components/status-button";
import { invitePortalUserAction, setPortalUserStatusAction } from "./actions";

export const metadata: Metadata = { title: "Users" };

export default async function PortalUsersPage() {
  await connection();
  const user = await requirePortalUser();
  await requirePortalFeature("users");
  const rows = await listPortalUsers(await getDb(), user.accountId);
  const manage = user.portalAdmin;
  return (
    <div className="space-y-8">
      <header>
        <h1 className="text-xl font-semibold">Users</h1>
        <p className="text-sm text-slate-600">
          Everyone who signs in to this portal for your account.{" "}
          {manage
            ? "As a portal administrator you invite colleagues and disable those who leave."
            : "Only your account's portal administrators can invite or disable users."}
        </p>
      </header>

      {manage ? (
        <section className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="mb-1 font-semibold">Invite a colleague</h2>
          <p className="mb-3 text-sm text-slate-600">
            They get an email with a single-use link (valid 72 hours) to set a password.
          </p>
          <InviteForm action={invitePortalUserAction} />
        </section>
      ) : null}

      <table data-testid="portal-users-table" className="w-full text-left text-sm">
        <thead className="border-b border-slate-200 text-slate-600">
          <tr>
            <th className="py-2 pr-3">Name</th>
            <th className="py-2 pr-3">Email</th>
            <th className="py-2 pr-3">Status</th>
            <th className="py-2 pr-3">Admin</th>
            <th className="py-2 pr-3">Last sign-in</th>
            {manage ? <th className="py-2 pr-3">Access</th> : null}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((u) => (
            <tr key={u.id}>
              <td className="py-2 pr-3">
                <Link href={`/portal/users/${u.id}`} className="text-brand underline">
                  {u.name}
                </Link>
                {u.id === user.id ? (
                  <span className="ml-2 text-xs text-slate-500">(you)</span>
                ) : null}
              </td>
              <td className="py-2 pr-3">{u.email}</td>
              <td className="py-2 pr-3">
                <span className={`rounded px-2 py-0.5 text-xs ${STATUS_STYLE[u.status] ?? ""}`}>
                  {u.status}
                </span>
              </td>
              <td className="py-2 pr-3">{u.portalAdmin ? "Yes" : "No"}</td>
              <td className="py-2 pr-3">{formatSignIn(u.lastSignInAt, user.timeZone)}</td>
              {manage ? (
                <td className="py-2 pr-3">
                  {u.id === user.id ? (
                    <span className="text-xs text-slate-500">—</span>
                  ) : (
                    <StatusButton
                      action={setPortalUserStatusAction}
                      userId={u.id}
                      name={u.name}
                      disabled={u.status === "disabled"}
                    />
                  )}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
