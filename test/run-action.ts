import type { z } from "zod";
import type { Db } from "@/db/client";
import type { users } from "@/db/schema";
import { runOperation, type Operation } from "@/lib/actions/operation";
import { actorForUser } from "@/lib/auth/actor-for-user";
import type { CurrentUser } from "@/lib/auth/session";

/** The request every action in the tests comes from. */
export const REQUEST = { ip: "198.51.100.23", userAgent: "vitest", requestId: "req-test" };

/** Where the tests' set-password links point. */
export const TEST_BASE_URL = "https://trunkline.example";

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

/** A signed-in user who exists only in the session (for operations whose actor is not looked up). */
export const sessionUser = (
  role: CurrentUser["role"],
  accountId: number | null = null,
): CurrentUser => ({
  id: 7,
  name: `${role} person`,
  email: `${role}@example.test`,
  role,
  accountId,
  timeZone: "UTC",
  portalAdmin: false,
  sessionId: null,
});

/**
 * Runs an operation as `user` through the same pipeline the form door uses (session, audience,
 * permission, zod), with the actor the app builds: "Portal" for account users.
 */
export function runAs<S extends z.ZodType, T>(
  db: Db,
  op: Operation<S, T>,
  user: CurrentUser | null,
  raw: object,
  { baseUrl = TEST_BASE_URL }: { baseUrl?: string } = {},
) {
  return runOperation(
    op,
    { user, actor: async (u) => actorForUser(u, REQUEST), db, baseUrl: async () => baseUrl },
    raw as Record<string, unknown>,
  );
}
