import { randomBytes } from "node:crypto";
import { and, asc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { queryRows } from "@/db/raw";
import { users, watches, watchState } from "@/db/schema";
import { operation } from "@/lib/actions/operation";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation, RecordNotFoundError } from "@/lib/audit/core";
import type { CurrentUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { parseAuditPageParams } from "@/lib/search/audit-page-params";
import { auditQueryFor, auditViewerPolicy } from "@/lib/visibility/viewer-policy";
import {
  createWatchSchema,
  deleteWatchSchema,
  MAX_WATCHES_PER_USER,
  updateWatchSchema,
  type CreateWatchInput,
  type UpdateWatchInput,
} from "./schemas";

/**
 * Watches: a user's saved audit search that notifies them of new matching entries. Each user
 * manages only their own; the search runs as them (lib/watches/notify.ts), so a watch can never
 * show more than its owner's audit page would.
 */

export const WATCH_NOT_FOUND = "That watch does not exist.";
const NO_AUDIT_ACCESS = "Your role does not allow this action.";

const WATCH_PAGES = () => ["/audit-log/watches", "/portal/audit-log/watches"];

/**
 * Why `query` cannot be a watch of `user`, as field errors, or null. The same parser and policy
 * check as the audit page: a malformed search, or one on a column the user may not use.
 */
async function queryErrors(
  db: DbOrTx,
  user: CurrentUser,
  query: string,
): Promise<Record<string, string[]> | null> {
  const policy = await auditViewerPolicy(db, user);
  if (!policy) throw new AppError(NO_AUDIT_ACCESS, "forbidden");
  const { searchError } = auditQueryFor(policy, parseAuditPageParams({ q: query }));
  return searchError ? { query: [searchError] } : null;
}

const newSecret = () => `whsec_${randomBytes(24).toString("base64url")}`;

/** The webhook's columns for a channel: an email watch keeps no URL or secret. */
function targetOf(input: CreateWatchInput | UpdateWatchInput, keptSecret: string | null) {
  if (input.channel === "email") return { webhookUrl: null, webhookSecret: null, generated: null };
  const generated = input.webhookSecret || keptSecret ? null : newSecret();
  return {
    webhookUrl: input.webhookUrl!,
    webhookSecret: input.webhookSecret ?? keptSecret ?? generated!,
    generated,
  };
}

export type CreatedWatch = { id: number; name: string; secret: string | null };

export async function createWatch(
  db: DbOrTx,
  actor: ActorContext,
  user: CurrentUser,
  input: CreateWatchInput,
): Promise<CreatedWatch> {
  const errors = await queryErrors(db, user, input.query);
  if (errors) throw new AppError("Check the highlighted fields.", "invalid", errors);
  const { generated, ...target } = targetOf(input, null);
  const { after } = await auditedMutation(db, actor, {
    table: "watches",
    action: "CREATE",
    change: async (tx) => {
      // The owner's row, locked, serialises their creates, so the limit holds under concurrency.
      await tx.select({ id: users.id }).from(users).where(eq(users.id, user.id)).for("update");
      const count = await tx.$count(watches, eq(watches.ownerUserId, user.id));
      if (count >= MAX_WATCHES_PER_USER) {
        throw new AppError(
          `You have ${MAX_WATCHES_PER_USER} watches, the most one person may keep: delete one first.`,
          "conflict",
        );
      }
      const [newest] = await queryRows<{ id: string | number | null }>(
        tx,
        sql`select max(id) as id from audit_log`,
      );
      const [row] = await tx
        .insert(watches)
        .values({
          ownerUserId: user.id,
          accountId: user.accountId,
          name: input.name,
          query: input.query,
          channel: input.channel,
          ...target,
          startAfterId: Number(newest?.id ?? 0),
        })
        .returning({ id: watches.id });
      return row!.id;
    },
  });
  return { id: after!.id, name: after!.name, secret: generated ?? input.webhookSecret ?? null };
}

/** The watch when `user` owns it; anyone else's is "not found", as if it did not exist. */
async function ownWatch(db: DbOrTx, user: CurrentUser, id: number) {
  const [row] = await db
    .select()
    .from(watches)
    .where(and(eq(watches.id, id), eq(watches.ownerUserId, user.id)));
  if (!row) throw new AppError(WATCH_NOT_FOUND, "not_found");
  return row;
}

async function updateWatch(
  db: DbOrTx,
  actor: ActorContext,
  user: CurrentUser,
  input: UpdateWatchInput,
): Promise<CreatedWatch> {
  const current = await ownWatch(db, user, input.id);
  const errors = await queryErrors(db, user, input.query);
  if (errors) throw new AppError("Check the highlighted fields.", "invalid", errors);
  const { generated, ...target } = targetOf(input, current.webhookSecret);
  try {
    const { after } = await auditedMutation(db, actor, {
      table: "watches",
      action: "UPDATE",
      id: input.id,
      change: async (tx, before) => {
        // The owner never changes; checked again under the lock all the same.
        if (before?.ownerUserId !== user.id) throw new AppError(WATCH_NOT_FOUND, "not_found");
        await tx
          .update(watches)
          .set({
            name: input.name,
            query: input.query,
            channel: input.channel,
            active: input.active,
            ...target,
          })
          .where(eq(watches.id, input.id));
      },
    });
    if (input.active && !current.active) {
      // Paused: what happened meanwhile is not news. Resume from now.
      await db.execute(
        sql`insert into watch_state (watch_id, last_notified_id)
            select ${input.id}, coalesce(max(id), 0) from audit_log
            on conflict (watch_id) do update set last_notified_id = excluded.last_notified_id,
              failures = 0, next_attempt_at = null, last_error = null`,
      );
    }
    return { id: after!.id, name: after!.name, secret: generated };
  } catch (err) {
    if (err instanceof RecordNotFoundError) throw new AppError(WATCH_NOT_FOUND, "not_found");
    throw err;
  }
}

async function deleteWatch(
  db: DbOrTx,
  actor: ActorContext,
  user: CurrentUser,
  id: number,
): Promise<void> {
  await ownWatch(db, user, id);
  try {
    await auditedMutation(db, actor, {
      table: "watches",
      action: "DELETE",
      id,
      change: async (tx, before) => {
        if (before?.ownerUserId !== user.id) throw new AppError(WATCH_NOT_FOUND, "not_found");
        await tx.delete(watches).where(eq(watches.id, id));
      },
    });
  } catch (err) {
    if (err instanceof RecordNotFoundError) throw new AppError(WATCH_NOT_FOUND, "not_found");
    throw err;
  }
}

/** The watches page: the user's own, with the notifier's progress; never the secret. */
export function listWatches(db: DbOrTx, userId: number) {
  return db
    .select({
      id: watches.id,
      name: watches.name,
      query: watches.query,
      channel: watches.channel,
      webhookUrl: watches.webhookUrl,
      active: watches.active,
      createdAt: watches.createdAt,
      lastNotifiedAt: watchState.lastNotifiedAt,
      lastError: watchState.lastError,
      failures: watchState.failures,
    })
    .from(watches)
    .leftJoin(watchState, eq(watchState.watchId, watches.id))
    .where(eq(watches.ownerUserId, userId))
    .orderBy(asc(watches.name), asc(watches.id));
}

export type WatchListRow = Awaited<ReturnType<typeof listWatches>>[number];

// Any user who reads the audit log, in either app; each acts on their own watches only.
export const createWatchOperation = operation({
  schema: createWatchSchema,
  permission: "audit:read",
  audience: "any",
  portalFeature: "auditLog",
  run: async (input, { db, actor, user }) => {
    const data = await createWatch(db, actor, user, input);
    return { data, message: `Watch ${input.name} saved.` };
  },
  revalidate: WATCH_PAGES,
});

export const updateWatchOperation = operation({
  schema: updateWatchSchema,
  permission: "audit:read",
  audience: "any",
  portalFeature: "auditLog",
  run: async (input, { db, actor, user }) => {
    const data = await updateWatch(db, actor, user, input);
    return { data, message: `Watch ${input.name} saved.` };
  },
  revalidate: WATCH_PAGES,
});

export const deleteWatchOperation = operation({
  schema: deleteWatchSchema,
  permission: "audit:read",
  audience: "any",
  portalFeature: "auditLog",
  run: async (input, { db, actor, user }) => {
    await deleteWatch(db, actor, user, input.id);
    return { data: input.id, message: "Watch deleted." };
  },
  revalidate: WATCH_PAGES,
});
