import type { Metadata } from "next";
import { connection } from "next/server";
import { signOutOtherSessionsAction } from "@/app/(auth)/actions";
import { FormStatus } from "@/components/forms/form-status";
import { PasswordForm } from "@/components/forms/password-form";
import { SessionList } from "@/components/sessions/session-list";
import { getDb } from "@/db/client";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { requireStaff } from "@/lib/auth/session";
import { listOpenSessions } from "@/lib/auth/user-sessions";
import { PASSWORD_CHANGED } from "@/lib/profile/actions";
import { profileSearchParamsSchema } from "@/lib/profile/search-params";
import { MIN_PASSWORD_LENGTH } from "@/lib/users/schemas";
import { changeOwnPasswordAction } from "./actions";

export const metadata: Metadata = { title: "Profile" };

/** A staff user's own sign-in: their password and where they are signed in. */
export default async function StaffProfilePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await connection();
  const user = await requireStaff();
  const sessions = await listOpenSessions(await getDb(), user.id);
  const { notice } = profileSearchParamsSchema.parse(await searchParams);
  return (
    <div className="space-y-8">
      <header>
        <h1 className="text-xl font-semibold">Profile</h1>
        <p className="text-sm text-slate-600">
          Signed in as <span className="font-medium">{user.email}</span> · {ROLE_LABELS[user.role]}.
          Your name, email and role are changed by an administrator.
        </p>
      </header>

      <section className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-3 font-semibold">Password</h2>
        {notice === "password-changed" ? (
          <div className="mb-3">
            <FormStatus state={{ status: "ok", data: null, message: PASSWORD_CHANGED }} />
          </div>
        ) : null}
        <PasswordForm action={changeOwnPasswordAction} minLength={MIN_PASSWORD_LENGTH} />
      </section>

      <section className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-3 font-semibold">Sessions</h2>
        <SessionList
          sessions={sessions}
          currentSessionId={user.sessionId}
          timeZone={user.timeZone}
          action={signOutOtherSessionsAction}
        />
      </section>
    </div>
  );
}
