import Link from "next/link";
import { FormStatus } from "@/components/forms/form-status";
import { PasswordForm } from "@/components/forms/password-form";
import type { OpenSession } from "@/lib/auth/user-sessions";
import { PASSWORD_CHANGED } from "@/lib/users/change-password";
import { MIN_PASSWORD_LENGTH } from "@/lib/users/schemas";
import { SessionList } from "./session-list";

type PasswordAction = React.ComponentProps<typeof PasswordForm>["action"];
type SignOutOthersAction = React.ComponentProps<typeof SessionList>["action"];

/**
 * The Password and Sessions sections of a profile page, the same in both apps; each app passes
 * its own password action (the permission and audience differ).
 */
export function OwnSignIn({
  passwordAction,
  signOutOthersAction,
  passwordChanged,
  sessions,
  currentSessionId,
  timeZone,
  totpEnabled,
}: {
  passwordAction: PasswordAction;
  signOutOthersAction: SignOutOthersAction;
  /** The page was reached right after a password change (a fresh session). */
  passwordChanged: boolean;
  sessions: OpenSession[];
  currentSessionId: string | null;
  timeZone: string;
  /** Whether the user's second factor is on (set up and managed on /two-factor). */
  totpEnabled: boolean;
}) {
  return (
    <>
      <section className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-3 font-semibold">Password</h2>
        {passwordChanged ? (
          <div className="mb-3">
            <FormStatus state={{ status: "ok", data: null, message: PASSWORD_CHANGED }} />
          </div>
        ) : null}
        <PasswordForm action={passwordAction} minLength={MIN_PASSWORD_LENGTH} />
      </section>

      <section className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-3 font-semibold">Two-factor sign-in</h2>
        <p className="text-sm text-slate-600" data-testid="profile-totp">
          {totpEnabled
            ? "On: signing in asks for a code from your authenticator app."
            : "Off: add a code from an authenticator app to your sign-in."}{" "}
          <Link href="/two-factor" className="text-brand underline">
            {totpEnabled ? "Manage two-factor sign-in" : "Set up two-factor sign-in"}
          </Link>
        </p>
      </section>

      <section className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-3 font-semibold">Sessions</h2>
        <SessionList
          sessions={sessions}
          currentSessionId={currentSessionId}
          timeZone={timeZone}
          action={signOutOthersAction}
        />
      </section>
    </>
  );
}
