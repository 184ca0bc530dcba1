import { count, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { accounts, ingressRoutes, users } from "@/db/schema";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { AppError } from "@/lib/errors";

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * Deletes an account that owns nothing. Its ingress routes and portal users must go first, so a
 * delete never silently takes traffic config or logins with it. Checked under the row lock.
 */
export async function deleteAccount(db: DbOrTx, actor: ActorContext, id: number) {
  const { before } = await auditedMutation(db, actor, {
    table: "accounts",
    action: "DELETE",
    id,
    change: async (tx) => {
      const [routes] = await tx
        .select({ n: count() })
        .from(ingressRoutes)
        .where(eq(ingressRoutes.accountId, id));
      const [logins] = await tx.select({ n: count() }).from(users).where(eq(users.accountId, id));
      const owned = [
        routes && routes.n > 0 ? plural(routes.n, "ingress route", "ingress routes") : null,
        logins && logins.n > 0 ? plural(logins.n, "portal user", "portal users") : null,
      ].filter((s): s is string => s !== null);
      if (owned.length > 0) {
        throw new AppError(
          `This account still has ${owned.join(" and ")}; remove them before deleting it.`,
          "conflict",
        );
      }
      await tx.delete(accounts).where(eq(accounts.id, id));
    },
  });
  return before!;
}
