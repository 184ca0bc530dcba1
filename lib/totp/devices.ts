import { and, desc, eq, gt, lte, notInArray, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { userRememberedDevices } from "@/db/schema";
import { hashToken } from "./codes";

/**
 * "Remember this device": after the second factor a random token goes into an HttpOnly cookie
 * and its hash into user_remembered_devices. For REMEMBER_DAYS that browser is asked only for
 * the password. At most MAX_DEVICES per user (the oldest are forgotten), and removing or
 * resetting the second factor forgets them all.
 */
export const REMEMBER_DAYS = 30;
export const MAX_DEVICES = 5;
export const DEVICE_COOKIE = "trunkline.device";

export async function rememberDevice(
  db: DbOrTx,
  userId: number,
  token: string,
  userAgent: string | null,
): Promise<void> {
  await db.insert(userRememberedDevices).values({
    userId,
    tokenHash: hashToken(token),
    userAgent: userAgent?.slice(0, 512) ?? null,
    expiresAt: sql`now() + make_interval(days => ${REMEMBER_DAYS})`,
  });
  const keep = db
    .select({ id: userRememberedDevices.id })
    .from(userRememberedDevices)
    .where(eq(userRememberedDevices.userId, userId))
    .orderBy(desc(userRememberedDevices.createdAt), desc(userRememberedDevices.id))
    .limit(MAX_DEVICES);
  await db
    .delete(userRememberedDevices)
    .where(
      and(eq(userRememberedDevices.userId, userId), notInArray(userRememberedDevices.id, keep)),
    );
  // Expired rows of this user go too: nothing reads them again.
  await db
    .delete(userRememberedDevices)
    .where(
      and(
        eq(userRememberedDevices.userId, userId),
        lte(userRememberedDevices.expiresAt, sql`now()`),
      ),
    );
}

/** Whether the cookie's token remembers this device for `userId` (and has not expired). */
export async function isRememberedDevice(
  db: DbOrTx,
  userId: number,
  token: unknown,
): Promise<boolean> {
  if (typeof token !== "string" || token.length < 32 || token.length > 128) return false;
  const [row] = await db
    .select({ id: userRememberedDevices.id })
    .from(userRememberedDevices)
    .where(
      and(
        eq(userRememberedDevices.userId, userId),
        eq(userRememberedDevices.tokenHash, hashToken(token)),
        gt(userRememberedDevices.expiresAt, sql`now()`),
      ),
    );
  return row !== undefined;
}

export async function forgetDevices(db: DbOrTx, userId: number): Promise<void> {
  await db.delete(userRememberedDevices).where(eq(userRememberedDevices.userId, userId));
}
