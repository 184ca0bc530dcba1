import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users } from "@/db/schema";
import { operation } from "@/lib/actions/operation";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { deliverQueuedSoon } from "@/lib/email/deliver";
import { queueEmail } from "@/lib/email/outbox";
import { passwordResetEmail } from "@/lib/email/templates";
import { AppError } from "@/lib/errors";
import { userIdSchema } from "./schemas";
import { newPasswordToken, RESET_HOURS, setPasswordLink } from "./tokens";
import { passwordResetIssuedMessage } from "./messages";
import { USER_PAGES } from "./user-rules";

/** Issues a new single-use link (replacing any earlier one) and queues the reset email. */
async function sendPasswordReset(
  db: Db,
  actor: ActorContext,
  userId: number,
  baseUrl: string,
): Promise<void> {
  const token = newPasswordToken(RESET_HOURS);
  await db.transaction(async (tx) => {
    const { after } = await auditedMutation(tx, actor, {
      table: "users",
      action: "UPDATE",
      id: userId,
      change: async (t, before) => {
        if (before?.status === "disabled") {
          throw new AppError("This user is disabled: enable them first.", "conflict");
        }
        await t
          .update(users)
          .set({ passwordTokenHash: token.hash, passwordTokenExpiresAt: token.expiresAt })
          .where(eq(users.id, userId));
      },
      message: (b, a) => passwordResetIssuedMessage(a ?? b!),
    });
    const user = after!;
    await queueEmail(
      tx,
      actor,
      passwordResetEmail({
        name: user.name,
        email: user.email,
        userId: user.id,
        accountId: user.accountId,
        link: setPasswordLink(baseUrl, token.token),
        hours: RESET_HOURS,
      }),
    );
  });
}

export const sendPasswordResetOperation = operation({
  schema: userIdSchema,
  permission: "users:manage",
  audience: "staff",
  run: async (input, { db, actor, baseUrl }) => {
    await sendPasswordReset(db, actor, input.userId, await baseUrl());
    await deliverQueuedSoon(db);
    return { data: input.userId, message: "Password reset email sent." };
  },
  revalidate: USER_PAGES,
});
