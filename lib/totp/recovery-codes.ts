import { and, count, eq, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { userRecoveryCodes } from "@/db/schema";
import { hashRecoveryCode, newRecoveryCode, RECOVERY_CODE_COUNT } from "./codes";

/** Replaces a user's recovery codes with ten new ones; returns them (shown once, never again). */
export async function issueRecoveryCodes(db: DbOrTx, userId: number): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await db.delete(userRecoveryCodes).where(eq(userRecoveryCodes.userId, userId));
  await db
    .insert(userRecoveryCodes)
    .values(codes.map((code) => ({ userId, codeHash: hashRecoveryCode(code) })));
  return codes;
}

/**
 * Uses up a recovery code: marks it used in one statement, so two requests racing with the same
 * code cannot both succeed. Returns whether it was an unused code of this user.
 */
export async function consumeRecoveryCode(
  db: DbOrTx,
  userId: number,
  code: string,
): Promise<boolean> {
  const used = await db
    .update(userRecoveryCodes)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(userRecoveryCodes.userId, userId),
        eq(userRecoveryCodes.codeHash, hashRecoveryCode(code)),
        isNull(userRecoveryCodes.usedAt),
      ),
    )
    .returning({ id: userRecoveryCodes.id });
  return used.length > 0;
}

export async function unusedRecoveryCodes(db: DbOrTx, userId: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(userRecoveryCodes)
    .where(and(eq(userRecoveryCodes.userId, userId), isNull(userRecoveryCodes.usedAt)));
  return row?.n ?? 0;
}

export async function removeRecoveryCodes(db: DbOrTx, userId: number): Promise<void> {
  await db.delete(userRecoveryCodes).where(eq(userRecoveryCodes.userId, userId));
}
