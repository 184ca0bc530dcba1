import { cookies, headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/db/client";
import type { PortalRole, StaffRole, UserRole } from "@/db/schema";
import type { ActorContext } from "@/lib/audit/actor";
import { requestContextFrom } from "@/lib/http/request-context";
import { actorForUser } from "./actor-for-user";
import { readSetting } from "@/lib/settings/app-settings";
import { TWO_FACTOR_PATH } from "@/lib/totp/paths";
import { can, secondFactorRequirable, type Permission } from "./permissions";
import { isPortalRole, isStaffRole } from "./roles";
import { sessionTokenFrom } from "./session-token";
import { findSessionUser } from "./user-sessions";

export type CurrentUser = {
  id: number;
  name: string;
  email: string;
  role: UserRole;
  accountId: number | null;
  timeZone: string;
  /** A portal user who manages their account's portal users and contact details. */
  portalAdmin: boolean;
  /** The session this request came with (null only for users built outside a request). */
  sessionId: string | null;
};

/**
 * The ids the request's cookie carries (sealed by Auth.js, so not forged, but not yet checked
 * against the database). Read once per request; lets lookups keyed by the user (their column
 * settings) start without waiting for the session check, whose answer decides if they are used.
 */
export const getSessionIds = cache(
  async (): Promise<{ userId: number; sessionId: string } | null> => {
    const token = await sessionTokenFrom((await cookies()).getAll(), process.env.AUTH_SECRET);
    const userId = Number(token?.uid);
    const sessionId = token?.sid;
    return Number.isSafeInteger(userId) && typeof sessionId === "string"
      ? { userId, sessionId }
      : null;
  },
);

export type SignedInUser = CurrentUser & {
  totpEnabled: boolean;
  /** An admin without a second factor while the operator requires one: only enrolment is open. */
  mustEnrolTotp: boolean;
};

/**
 * The signed-in user as the database has them now, read with their session in one statement.
 * The cookie's session must still be open (not signed out, not ended by a password, status or
 * role change, within its lifetime and idle timeout), and the user active: a copied cookie stops
 * working the moment its session ends. This one answers also for a user who must enrol a second
 * factor first: only the enrolment page and its operations use it.
 */
export const getSignedInUser = cache(async (): Promise<SignedInUser | null> => {
  const session = await getSessionIds();
  if (!session) return null;
  const db = await getDb();
  const row = await findSessionUser(db, session.sessionId, session.userId);
  if (!row || row.status !== "active") return null;
  const { status: _status, ...user } = row;
  const mustEnrolTotp =
    !user.totpEnabled &&
    secondFactorRequirable(user.role) &&
    (await readSetting(db, "admin_totp_required"));
  return { ...user, sessionId: session.sessionId, mustEnrolTotp };
});

/**
 * The signed-in user every page, action and handler works with. Null, as if signed out, for a
 * user who must enrol a second factor first (getSignedInUser): nothing else is theirs to use.
 */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const signedIn = await getSignedInUser();
  if (!signedIn || signedIn.mustEnrolTotp) return null;
  const { totpEnabled: _totp, mustEnrolTotp: _must, ...user } = signedIn;
  return user;
});

/** No usable user: the enrolment page for one who must enrol, else the sign-in page. */
async function redirectUnusable(): Promise<never> {
  redirect((await getSignedInUser())?.mustEnrolTotp ? TWO_FACTOR_PATH : "/login");
}

/** For Control Panel pages and layouts: any staff member; account users go to the portal. */
export async function requireStaff(): Promise<CurrentUser & { role: StaffRole }> {
  const user = await getCurrentUser();
  if (!user) return redirectUnusable();
  if (!isStaffRole(user.role)) redirect("/portal");
  return user as CurrentUser & { role: StaffRole };
}

/**
 * For Control Panel pages: staff whose role has `permission` (lib/auth/permissions.ts, the only
 * place roles are named for authorization); other staff get the 403 page.
 */
export async function requirePermission(
  permission: Permission,
): Promise<CurrentUser & { role: StaffRole }> {
  const user = await requireStaff();
  if (!can(user.role, permission)) forbidden();
  return user;
}

/** For Customer Portal pages and layouts: account users only, always with their account. */
export async function requirePortalUser(): Promise<
  CurrentUser & { role: PortalRole; accountId: number }
> {
  const user = await getCurrentUser();
  if (!user) return redirectUnusable();
  if (!isPortalRole(user.role) || user.accountId === null) redirect("/audit-log");
  return user as CurrentUser & { role: PortalRole; accountId: number };
}

/** The audit actor for a change made by the signed-in user in this request. */
export async function actorFor(user: CurrentUser): Promise<ActorContext> {
  return actorForUser(user, requestContextFrom(await headers()));
}
