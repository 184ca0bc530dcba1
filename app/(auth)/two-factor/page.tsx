import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { signOutAction } from "@/app/(auth)/actions";
import { AuditCommentProvider } from "@/components/forms/audit-comment-field";
import { TwoFactorPanel } from "@/components/totp/two-factor-panel";
import { getDb } from "@/db/client";
import { auditCommentModeFor } from "@/lib/actions/audit-comment";
import { homePathFor, isPortalRole } from "@/lib/auth/roles";
import { getSignedInUser } from "@/lib/auth/session";
import { TWO_FACTOR_PATH } from "@/lib/totp/paths";
import { totpUri } from "@/lib/totp/codes";
import { startEnrolment } from "@/lib/totp/enrolment";
import { qrPath } from "@/lib/totp/qr";
import { unusedRecoveryCodes } from "@/lib/totp/recovery-codes";
import { enrolTotpAction, regenerateRecoveryCodesAction, removeTotpAction } from "./actions";

export const metadata: Metadata = { title: "Two-factor sign-in", referrer: "no-referrer" };

/**
 * Two-factor sign-in for the signed-in user, in either app: set it up (QR code and the secret
 * as text, confirmed with a code), renew recovery codes, or turn it off. Outside both apps'
 * layouts, because an admin the operator requires to enrol may open nothing else.
 */
export default async function TwoFactorPage() {
  await connection();
  const user = await getSignedInUser();
  if (!user) redirect(`/login?callbackUrl=${TWO_FACTOR_PATH}`);
  const home = isPortalRole(user.role) ? "/portal/profile" : "/profile";
  const enrolment = user.totpEnabled ? null : startEnrolment(user.id);
  const db = await getDb();
  const left = user.totpEnabled ? await unusedRecoveryCodes(db, user.id) : 0;
  // Outside both apps' layouts, so the reason field's mode is read here.
  const commentMode = await auditCommentModeFor(db, user);
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-md space-y-4 rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-xl font-semibold">Two-factor sign-in</h1>
        {user.mustEnrolTotp ? (
          <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
            Your operator requires administrators to use two-factor sign-in. Set it up to continue.
          </p>
        ) : null}
        <AuditCommentProvider mode={commentMode}>
          <TwoFactorPanel
            enrolled={user.totpEnabled}
            recoveryCodesLeft={left}
            enrolment={
              enrolment
                ? {
                    ticket: enrolment.ticket,
                    secret: enrolment.secret,
                    qr: qrPath(totpUri(enrolment.secret, user.email)),
                  }
                : null
            }
            actions={{
              enrol: enrolTotpAction,
              remove: removeTotpAction,
              regenerate: regenerateRecoveryCodesAction,
            }}
            continueHref={homePathFor(user.role)}
          />
        </AuditCommentProvider>
        <div className="flex justify-between border-t border-slate-100 pt-4 text-sm">
          {user.mustEnrolTotp ? (
            <span />
          ) : (
            <Link href={home} className="text-brand hover:underline">
              Back to your profile
            </Link>
          )}
          <form action={signOutAction}>
            <button type="submit" className="text-slate-600 hover:underline">
              Sign out
            </button>
          </form>
        </div>
      </div>
    </main>
  );
}
