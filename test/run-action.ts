import type { z } from "zod";
import type { Db } from "@/db/client";
import type { users } from "@/db/schema";
import { runAction, type ActionSpec } from "@/lib/actions/define-action";
import { actorForUser } from "@/lib/auth/actor-for-user";
import type { CurrentUser } from "@/lib/auth/session";

/** The request every action in the tests comes from. */
export const REQUEST = { ip: "198.51.100.23", userAgent: "vitest", requestId: "req-test" };

/** A users row as the session has it. */
export const asCurrent = (row: typeof users.$inferSelect): CurrentUser => ({
  id: row.id,
  name: row.name,
  email: row.email,
  role: row.role,
  accountId: row.accountId,
  timeZone: row.timeZone,
  portalAdmin: row.portalAdmin,
  sessionId: null,
});

/**
 * Runs an action spec as `user` through the same wrapper the server action uses (session,
 * audience, permission, zod), with the actor the app builds: "Portal" for account users.
 */
export function runAs<S extends z.ZodType, T>(
  db: Db,
  spec: ActionSpec<S, T>,
  user: CurrentUser,
  raw: object,
) {
  return runAction(
    spec.config,
    spec.handler,
    { user, actor: async (u) => actorForUser(u, REQUEST), db },
    raw as Record<string, unknown>,
  );
}
