import "server-only";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { auditStreamDestinations, auditStreamState } from "@/db/schema";
import { operation } from "@/lib/actions/operation";
import type { ActorContext } from "@/lib/audit/actor";
import { settledHorizon } from "@/lib/audit/chain/seal";
import { auditedMutation, recordAuditEvent, RecordNotFoundError } from "@/lib/audit/core";
import { asStaleEdit } from "@/lib/audit/stale-edit";
import { AppError } from "@/lib/errors";
import type { StreamEntry } from "./payload";
import { streamPolicy } from "./policy";
import { requeueAfter } from "./outbox-lock";
import { sendBatch } from "./senders";
import {
  destinationFields,
  parseStoredTarget,
  toTarget,
  type DestinationFields,
  type StreamPolicy,
} from "./target";

/**
 * SIEM destinations: added, edited, paused, removed and replayed by admins only, each change an
 * audit entry (the webhook secret redacted from it). A new destination starts at the log's
 * current end; replay moves it back.
 */

const NOT_FOUND = "That destination does not exist.";
const STALE = "This destination was changed by someone else: check it and save again.";
const PAGE = "/audit-log/streaming";

const idField = z.coerce
  .number({ error: "Missing destination." })
  .int()
  .positive("Missing destination.");
const versionField = z.coerce
  .number({ error: "Missing version." })
  .int()
  .min(1, "Missing version.");

function targetOrThrow(fields: DestinationFields, policy: StreamPolicy, secretRequired: boolean) {
  const result = toTarget(fields, policy, { secretRequired });
  if (!result.ok) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of result.issues) (fieldErrors[issue.path] ??= []).push(issue.message);
    throw new AppError("Check the highlighted fields.", "invalid", fieldErrors);
  }
  return result;
}

export async function createStreamDestination(
  db: Db,
  actor: ActorContext,
  fields: DestinationFields,
  policy: StreamPolicy,
): Promise<{ id: number }> {
  const { value, secret } = targetOrThrow(fields, policy, true);
  // Entries from here on: everything up to the final horizon is history, reachable by replay.
  const startAfter = await settledHorizon(db);
  const { after } = await auditedMutation(db, actor, {
    table: "audit_stream_destinations",
    action: "CREATE",
    change: async (tx) => {
      const [row] = await tx
        .insert(auditStreamDestinations)
        .values({ name: fields.name, kind: value.kind, target: value.target, secret })
        .returning({ id: auditStreamDestinations.id });
      await tx
        .insert(auditStreamState)
        .values({ destinationId: row!.id, deliveredThrough: startAfter });
      // A prune may have removed entries after `startAfter` before this destination existed.
      await requeueAfter(tx, startAfter);
      return row!.id;
    },
  });
  return { id: after!.id };
}

async function updateStreamDestination(
  db: Db,
  actor: ActorContext,
  input: DestinationFields & { id: number; version: number },
  policy: StreamPolicy,
): Promise<void> {
  try {
    await auditedMutation(db, actor, {
      table: "audit_stream_destinations",
      action: "UPDATE",
      id: input.id,
      expectedVersion: input.version,
      change: async (tx, before) => {
        const keepSecret = before?.kind === "webhook" && !!before.secret;
        const { value, secret } = targetOrThrow(input, policy, !keepSecret);
        await tx
          .update(auditStreamDestinations)
          .set({
            name: input.name,
            kind: value.kind,
            target: value.target,
            secret: value.kind === "webhook" ? (secret ?? before?.secret ?? null) : null,
          })
          .where(eq(auditStreamDestinations.id, input.id));
      },
    });
  } catch (err) {
    if (err instanceof RecordNotFoundError) throw new AppError(NOT_FOUND, "not_found");
    throw asStaleEdit(err, STALE);
  }
}

export async function deleteStreamDestination(db: Db, actor: ActorContext, id: number) {
  try {
    await auditedMutation(db, actor, {
      table: "audit_stream_destinations",
      action: "DELETE",
      id,
      change: async (tx) => {
        // Its state goes with it (ON DELETE CASCADE); its outbox rows are pruned next round.
        await tx.delete(auditStreamDestinations).where(eq(auditStreamDestinations.id, id));
      },
    });
  } catch (err) {
    if (err instanceof RecordNotFoundError) throw new AppError(NOT_FOUND, "not_found");
    throw err;
  }
}

async function setStreamDestinationEnabled(
  db: Db,
  actor: ActorContext,
  id: number,
  enabled: boolean,
) {
  try {
    await auditedMutation(db, actor, {
      table: "audit_stream_destinations",
      action: "UPDATE",
      id,
      change: async (tx, before) => {
        if (before?.enabled === enabled) {
          throw new AppError(
            `This destination is already ${enabled ? "enabled" : "paused"}.`,
            "conflict",
          );
        }
        await tx
          .update(auditStreamDestinations)
          .set({ enabled })
          .where(eq(auditStreamDestinations.id, id));
        if (enabled) {
          const [state] = await tx
            .select()
            .from(auditStreamState)
            .where(eq(auditStreamState.destinationId, id))
            .for("update");
          await requeueAfter(tx, state?.deliveredThrough ?? 0);
          await tx
            .update(auditStreamState)
            .set({ attempts: 0, nextAttemptAt: new Date() })
            .where(eq(auditStreamState.destinationId, id));
        }
      },
      message: (b) =>
        `${enabled ? "Enabled" : "Paused"} SIEM destination ${String(b?.name)} (${String(b?.kind)})`,
    });
  } catch (err) {
    if (err instanceof RecordNotFoundError) throw new AppError(NOT_FOUND, "not_found");
    throw err;
  }
}

/**
 * Sends everything from entry `fromId` on again, in order: the cursor moves back to just before
 * it and the entries are re-queued. Recorded as an entry in the same transaction. Only back:
 * skipping ahead would drop entries without a trace of which.
 */
async function replayStreamDestination(
  db: Db,
  actor: ActorContext,
  id: number,
  fromId: number,
): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .select({
        name: auditStreamDestinations.name,
        kind: auditStreamDestinations.kind,
        deliveredThrough: auditStreamState.deliveredThrough,
      })
      .from(auditStreamState)
      .innerJoin(
        auditStreamDestinations,
        eq(auditStreamDestinations.id, auditStreamState.destinationId),
      )
      .where(eq(auditStreamState.destinationId, id))
      .for("update", { of: auditStreamState });
    if (!row) throw new AppError(NOT_FOUND, "not_found");
    const cursor = fromId - 1;
    if (cursor > row.deliveredThrough) {
      throw new AppError("Check the highlighted fields.", "invalid", {
        fromId: [`Choose an entry up to ${row.deliveredThrough + 1}: replay only goes back.`],
      });
    }
    await requeueAfter(tx, cursor);
    await tx
      .update(auditStreamState)
      .set({ deliveredThrough: cursor, attempts: 0, nextAttemptAt: new Date() })
      .where(eq(auditStreamState.destinationId, id));
    await recordAuditEvent(tx, actor, {
      action: "UPDATE",
      tableName: "audit_stream_destinations",
      recordPk: String(id),
      message: `Replaying SIEM destination ${row.name} (${row.kind}) from entry ${fromId}`,
      before: { deliveredThrough: row.deliveredThrough },
      after: { deliveredThrough: cursor },
    });
  });
}

/** A synthetic entry (id 0) a receiver can tell from real ones. */
function testEntry(actor: ActorContext): StreamEntry {
  return {
    id: 0,
    occurredAt: new Date().toISOString().replace("Z", "000Z"),
    actorType: actor.type,
    actorUserId: actor.userId,
    actorLabel: actor.label,
    actorDetail: null,
    apiKeyId: null,
    ip: null,
    userAgent: null,
    channel: actor.channel,
    requestId: actor.requestId,
    action: "SEND",
    tableName: "audit_stream_destinations",
    recordPk: null,
    accountId: null,
    ingressId: null,
    relatedIds: [],
    message: "Test message from Trunkline: this is not an audit entry (id 0).",
    comment: null,
    before: null,
    after: null,
    entryHash: "",
    chainHash: null,
  };
}

/** "Send test": one synthetic entry now, outside the outbox; the outcome is audited. */
async function sendStreamTest(
  db: Db,
  actor: ActorContext,
  id: number,
  policy: StreamPolicy,
  send = sendBatch,
): Promise<{ ok: boolean; error: string | null }> {
  const [row] = await db
    .select()
    .from(auditStreamDestinations)
    .where(eq(auditStreamDestinations.id, id));
  if (!row) throw new AppError(NOT_FOUND, "not_found");
  let error: string | null = null;
  try {
    await send(
      { ...parseStoredTarget(row.kind, row.target), secret: row.secret },
      [testEntry(actor)],
      policy,
    );
  } catch (err) {
    error = (err instanceof Error ? err.message : String(err)).slice(0, 300);
  }
  await recordAuditEvent(db, actor, {
    action: "SEND",
    tableName: "audit_stream_destinations",
    recordPk: String(id),
    message: error
      ? `Test to SIEM destination ${row.name} (${row.kind}) failed: ${error}`
      : `Sent a test to SIEM destination ${row.name} (${row.kind})`,
  });
  return { ok: error === null, error };
}

export const createStreamDestinationOperation = operation({
  schema: destinationFields,
  permission: "audit:stream",
  audience: "staff",
  run: async (input, { db, actor }) => {
    const data = await createStreamDestination(db, actor, input, streamPolicy());
    return { data, message: `Added destination ${input.name}.` };
  },
  revalidate: () => [PAGE],
});

export const updateStreamDestinationOperation = operation({
  schema: destinationFields.extend({ id: idField, version: versionField }),
  permission: "audit:stream",
  audience: "staff",
  run: async (input, { db, actor }) => {
    await updateStreamDestination(db, actor, input, streamPolicy());
    return { data: input.id, message: `Saved destination ${input.name}.` };
  },
  revalidate: () => [PAGE],
});

export const deleteStreamDestinationOperation = operation({
  schema: z.object({ id: idField }),
  permission: "audit:stream",
  audience: "staff",
  run: async ({ id }, { db, actor }) => {
    await deleteStreamDestination(db, actor, id);
    return { data: id, message: "Destination removed." };
  },
  revalidate: () => [PAGE],
});

export const setStreamDestinationEnabledOperation = operation({
  schema: z.object({
    id: idField,
    enabled: z.enum(["true", "false"], { error: "Choose enable or pause." }),
  }),
  permission: "audit:stream",
  audience: "staff",
  run: async ({ id, enabled }, { db, actor }) => {
    await setStreamDestinationEnabled(db, actor, id, enabled === "true");
    return {
      data: id,
      message: enabled === "true" ? "Destination enabled." : "Destination paused.",
    };
  },
  revalidate: () => [PAGE],
});

export const replayStreamDestinationOperation = operation({
  schema: z.object({
    id: idField,
    fromId: z.coerce
      .number({ error: "Enter an entry id." })
      .int("Enter an entry id.")
      .min(1, "Enter an entry id from 1.")
      .max(Number.MAX_SAFE_INTEGER, "Enter an entry id."),
  }),
  permission: "audit:stream",
  audience: "staff",
  run: async ({ id, fromId }, { db, actor }) => {
    await replayStreamDestination(db, actor, id, fromId);
    return { data: id, message: `Replaying from entry ${fromId}.` };
  },
  revalidate: () => [PAGE],
});

export const sendStreamTestOperation = operation({
  schema: z.object({ id: idField }),
  permission: "audit:stream",
  audience: "staff",
  run: async ({ id }, { db, actor }) => {
    const result = await sendStreamTest(db, actor, id, streamPolicy());
    if (!result.ok) throw new AppError(`The test was not delivered: ${result.error}`, "conflict");
    return { data: id, message: "Test delivered." };
  },
  revalidate: () => [PAGE],
});
