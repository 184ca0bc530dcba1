import type { Metadata } from "next";
import { connection } from "next/server";
import { OwnSignIn } from "@/components/sessions/own-sign-in";
import { getDb } from "@/db/client";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { getSignedInUser, requirePortalUser } from "@/lib/auth/session";
import { listOpenSessions } from "@/lib/auth/user-sessions";
import { TIME_ZONES } from "@/lib/portal/schemas";
import { profileSearchParamsSchema } from "@/lib/profile/search-params";
import { ProfileForm } from "./_components/profile-form";
import { signOutOtherSessionsAction } from "@/app/(auth)/actions";
import { changePasswordAction, updateProfileAction } from "./actions";

export const metadata: Metadata = { title: "Profile" };

export default async function PortalProfilePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await connection();
  const user = await requirePortalUser();
  const sessions = await listOpenSessions(await getDb(), user.id);
  const { notice } = profileSearchParamsSchema.parse(await searchParams);
  // A zone saved before the runtime renamed it still shows as selected rather than jumping to UTC.
  const timeZones = TIME_ZONES.includes(user.timeZone)
    ? TIME_ZONES
    : [user.timeZone, ...TIME_ZONES];
  return (
    <div className="space-y-8">
      <header>
        <h1 className="text-xl font-semibold">Profile</h1>
        <p className="text-sm text-slate-600">
          Signed in as <span className="font-medium">{user.email}</span> · {ROLE_LABELS[user.role]}{" "}
          user
          {user.portalAdmin ? " · portal administrator" : ""}. Your sign-in email is changed by your
          provider&apos;s support team.
        </p>
      </header>

      <section className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-3 font-semibold">Your details</h2>
        <ProfileForm
          action={updateProfileAction}
          name={user.name}
          timeZone={user.timeZone}
          timeZones={timeZones}
        />
      </section>

      <OwnSignIn
        passwordAction={changePasswordAction}
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
