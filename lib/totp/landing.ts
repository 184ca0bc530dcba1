import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users } from "@/db/schema";
import { landingPath } from "@/lib/auth/callback-path";
import { secondFactorRequirable } from "@/lib/auth/permissions";
import { homePathFor } from "@/lib/auth/roles";
import { TWO_FACTOR_PATH } from "./paths";
import { readSetting } from "@/lib/settings/app-settings";

/**
 * Where a fresh sign-in lands: the page asked for, or the role's home; but an admin without a
 * second factor while the operator requires one goes to enrolment (the pages would send them
 * there anyway: this saves the detour).
 */
export async function landingAfterSignIn(
  db: Db,
  who: { email: string } | { id: number },
  callback: string,
): Promise<string> {
  const [user] = await db
    .select({ role: users.role, totpEnabledAt: users.totpEnabledAt })
    .from(users)
    .where("id" in who ? eq(users.id, who.id) : sql`lower(${users.email}) = ${who.email}`);
  if (!user) return callback;
  if (
    !user.totpEnabledAt &&
    secondFactorRequirable(user.role) &&
    (await readSetting(db, "admin_totp_required"))
  ) {
    return TWO_FACTOR_PATH;
  }
  return landingPath(callback, homePathFor(user.role));
}
