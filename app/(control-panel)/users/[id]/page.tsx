import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { RecordHistory } from "@/app/(control-panel)/_components/record-history";
import { getDb } from "@/db/client";
import { STAFF_ROLES } from "@/db/schema";
import { isPortalRole, ROLE_LABELS } from "@/lib/auth/roles";
import { requirePermission } from "@/lib/auth/session";
import { findUser } from "@/lib/users/queries";
import {
  changeRoleAction,
  sendPasswordResetAction,
  setPortalAdminAction,
  setUserStatusAction,
  resetTotpAction,
} from "../actions";
import { ResetTotpForm } from "@/components/totp/reset-totp-form";
import { PortalAdminForm, ResetForm, RoleForm, StatusForm } from "./_components/user-actions";
import { getAuditPolicy } from "@/lib/visibility/current-policy";

export const metadata: Metadata = { title: "User" };

export default async function UserPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ tab?: string | string[] }>;
}) {
  await connection();
  const viewer = await requirePermission("users:manage");
  const id = Number((await params).id);
  if (!Number.isSafeInteger(id) || id <= 0) notFound();
  const db = await getDb();
  const user = await findUser(db, id);
  if (!user) notFound();
  const { portalAdmin } = user;
  const portalUser = user.accountId !== null && isPortalRole(user.role);
  const account = `${user.accountName ?? ""} (${user.accountId ?? ""})`;
  const history = (await searchParams).tab === "history";
  const self = viewer.id === user.id;
  // Whether this viewer may read the record's history at all.
  const policy = await getAuditPolicy();

  return (
    <div className="space-y-6">
      <header>
        <Link href="/users" className="text-sm text-brand underline">
          ← Users
        </Link>
        <h1 className="mt-1 text-xl font-semibold">{user.name}</h1>
        <p className="text-sm text-slate-600">
          {user.email} · {ROLE_LABELS[user.role]} · {user.status}
          {user.accountId ? ` · ${account}` : ""}
        </p>
        {portalUser ? (
          <p className="text-sm text-slate-600" data-testid="portal-admin">
            Portal administrator: {portalAdmin ? "Yes" : "No"}
          </p>
        ) : null}
      </header>

      <nav className="flex gap-4 border-b border-slate-200 text-sm" aria-label="User tabs">
        <Link
          href={`/users/${id}`}
          aria-current={history ? undefined : "page"}
          className={`pb-2 ${history ? "text-slate-600" : "border-b-2 border-brand font-medium"}`}
        >
          Details
        </Link>
        <Link
          href={`/users/${id}?tab=history`}
          aria-current={history ? "page" : undefined}
          className={`pb-2 ${history ? "border-b-2 border-brand font-medium" : "text-slate-600"}`}
        >
          History
        </Link>
      </nav>

      {history ? (
        policy ? (
          <RecordHistory table="users" recordPk={id} />
        ) : null
      ) : (
        <div className="grid gap-6 md:grid-cols-3">
          <section className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 className="mb-3 font-semibold">Role</h2>
            {self ? (
              <p className="text-sm text-slate-600">You cannot change your own role.</p>
            ) : isPortalRole(user.role) ? (
              <p className="text-sm text-slate-600">
                Portal users keep the role of their account type.
              </p>
            ) : (
              <RoleForm
                action={changeRoleAction}
                userId={id}
                role={user.role}
                roles={STAFF_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
              />
            )}
          </section>
          <section className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 className="mb-3 font-semibold">Access</h2>
            {self ? (
              <p className="text-sm text-slate-600">You cannot disable yourself.</p>
            ) : (
              <StatusForm
                action={setUserStatusAction}
                userId={id}
                disabled={user.status === "disabled"}
                name={user.name}
              />
            )}
          </section>
          <section className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 className="mb-3 font-semibold">Password</h2>
            {user.status === "disabled" ? (
              <p className="text-sm text-slate-600">Enable the user to send a reset link.</p>
            ) : (
              <ResetForm action={sendPasswordResetAction} userId={id} />
            )}
          </section>
          <section className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 className="mb-3 font-semibold">Two-factor sign-in</h2>
            {self ? (
              <p className="text-sm text-slate-600" data-testid="user-totp">
                {user.totpEnabledAt ? "On." : "Off."} Yours is managed on your profile.
              </p>
            ) : (
              <ResetTotpForm
                action={resetTotpAction}
                userId={id}
                name={user.name}
                enabled={user.totpEnabledAt !== null}
              />
            )}
          </section>
          {portalUser ? (
            <section className="rounded-lg border border-slate-200 bg-white p-4">
              <h2 className="mb-3 font-semibold">Portal administrator</h2>
              <p className="mb-3 text-sm text-slate-600">
                {portalAdmin
                  ? `Manages ${account}'s portal users and contact details.`
                  : "Not a portal administrator of their account."}
              </p>
              <PortalAdminForm
                action={setPortalAdminAction}
                userId={id}
                portalAdmin={portalAdmin}
                name={user.name}
                account={account}
              />
            </section>
          ) : null}
        </div>
      )}
    </div>
  );
}
