import { eq } from "drizzle-orm";
import type { z } from "zod";
import type { Db } from "@/db/client";
import { auditLog, emailOutbox, users } from "@/db/schema";
import { runAction } from "@/lib/actions/define-action";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { actorForUser } from "@/lib/auth/actor-for-user";
import type { CurrentUser } from "@/lib/auth/session";
import type { ActionSpec as Spec } from "@/lib/actions/define-action";
import { createUser } from "./factories";

/** For the portal-*.test.ts files: users as the session has them, actions run as a request would. */

export const REQUEST = { ip: "198.51.100.23", userAgent: "vitest portal", requestId: "req-portal" };

export const asCurrent = (row: typeof users.$inferSelect): CurrentUser => ({
  id: row.id,
  name: row.name,
  email: row.email,
  role: row.role,
  accountId: row.accountId,
  timeZone: row.timeZone,
  portalAdmin: row.portalAdmin,
});

/** Runs a spec as `user`, with the actor the app builds for them (Portal for account users). */
export function runAs<S extends z.ZodType, T>(
  db: Db,
  spec: Spec<S, T>,
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

/** A portal user of `account`, active, optionally its portal administrator. */
export async function createPortalUser(
  db: Db,
  account: { id: number; type: "customer" | "carrier" },
  options: { admin?: boolean; password?: string; status?: "active" | "disabled" } = {},
) {
  const row = await createUser(db, {
    role: account.type,
    accountId: account.id,
    password: options.password,
    status: options.status,
  });
  if (!options.admin) return row;
  const { after } = await auditedMutation(db, systemActor("test"), {
    table: "users",
    action: "UPDATE",
    id: row.id,
    change: async (tx) => {
      await tx.update(users).set({ portalAdmin: true }).where(eq(users.id, row.id));
    },
  });
  return after!;
}

export async function findUserRow(db: Db, id: number) {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row!;
}

/** Row counts a refused action must leave as they were. */
export const counts = async (db: Db) => ({
  users: await db.$count(users),
  outbox: await db.$count(emailOutbox),
  audit: await db.$count(auditLog),
});
