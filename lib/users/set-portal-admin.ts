import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { accounts, users } from "@/db/schema";
import { operation } from "@/lib/actions/operation";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { isPortalRole } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { setPortalAdminSchema } from "./schemas";
import { PORTAL_ADMIN_ONLY, USER_PAGES, userLabel } from "./user-rules";

/**
 * Makes a portal user one of their account's portal administrators (who invite and disable
 * the account's portal users and edit its contact details), or removes that. Staff are refused.
 */
async function setPortalAdmin(
  db: Db,
  actor: ActorContext,
  userId: number,
  portalAdmin: boolean,
): Promise<void> {
  let account = "";
  await auditedMutation(db, actor, {
    table: "users",
    action: "UPDATE",
    id: userId,
    change: async (tx, before) => {
      if (!before) return;
      if (before.accountId === null || !isPortalRole(before.role)) {
        throw new AppError(PORTAL_ADMIN_ONLY, "invalid");
      }
      if (before.portalAdmin === portalAdmin) {
        throw new AppError(
          portalAdmin
            ? `${before.name} is already a portal administrator.`
            : `${before.name} is not a portal administrator.`,
        );
      }
      const [row] = await tx
        .select({ name: accounts.name })
        .from(accounts)
        .where(eq(accounts.id, before.accountId));
      account = `${row?.name ?? "account"} (${before.accountId})`;
      await tx.update(users).set({ portalAdmin }).where(eq(users.id, userId));
    },
    message: (b, a) =>
      portalAdmin
        ? `Made ${userLabel(a ?? b!)} a portal administrator of ${account}`
        : `Removed ${userLabel(a ?? b!)} as a portal administrator of ${account}`,
  });
}

export const setPortalAdminOperation = operation({
  schema: setPortalAdminSchema,
  permission: "users:manage",
  audience: "staff",
  run: async (input, { db, actor }) => {
    await setPortalAdmin(db, actor, input.userId, input.portalAdmin);
    return {
      data: input.userId,
      message: input.portalAdmin
        ? "Made a portal administrator."
        : "No longer a portal administrator.",
    };
  },
  revalidate: USER_PAGES,
});
