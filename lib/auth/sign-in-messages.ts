import type { LoginOutcome, UserRole } from "@/db/schema";
import { isPortalRole } from "./roles";

/** The LOGIN entries' wording (lib/auth/authenticate.ts writes them; the demo seed too). */

/** Why a sign-in was refused, as its entry says it: never which part of the credentials failed. */
export const SIGN_IN_FAILURE_TEXT: Record<
  Exclude<LoginOutcome, "success" | "second_factor">,
  string
> = {
  invalid: "wrong email or password",
  throttled: "too many failed attempts",
  disabled: "user is not active",
};
export const MALFORMED_SIGN_IN_TEXT = "missing or invalid email or password";

export const signedInMessage = (user: { role: UserRole; email: string }) =>
  `Signed in to the ${isPortalRole(user.role) ? "Customer Portal" : "Control Panel"} as ${user.email}`;

/** `shown` is the email tried, or "(no email)". */
export const failedSignInMessage = (shown: string, reason: string) =>
  `Failed sign-in for ${shown}: ${reason}`;

/** A code step that failed: never says whether the code was close. */
export const WRONG_SECOND_FACTOR_TEXT = "wrong two-factor or recovery code";
