import type { Metadata } from "next";
import { connection } from "next/server";
import { signOutOtherSessionsAction } from "@/app/(auth)/actions";
import { OwnSignIn } from "@/components/sessions/own-sign-in";
import { getDb } from "@/db/client";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { getSignedInUser, requireStaff } from "@/lib/auth/session";
import { listOpenSessions } from "@/lib/auth/user-sessions";
import { profileSearchParamsSchema } from "@/lib/profile/search-params";
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

      <OwnSignIn
        passwordAction={changeOwnPasswordAction}
        signOutOthersAction={signOutOtherSessionsAction}
        passwordChanged={notice === "password-changed"}
        sessions={sessions}
        currentSessionId={user.sessionId}
        timeZone={user.timeZone}
        totpEnabled={(await getSignedInUser())?.totpEnabled ?? false}
      />
    </div>
  );
}
