import "server-only";
import { and, eq, gt, isNull, lte, lt, or, sql, type SQL } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { queryRows } from "@/db/raw";
import { auditLog, emailOutbox, users, watches, watchState } from "@/db/schema";
import { entryResource } from "@/lib/api/v1/audit-log";
import { systemActor } from "@/lib/audit/actor";
import { WATCH_NOTIFIER_LOCK } from "@/lib/audit/chain/links";
import { settledHorizon } from "@/lib/audit/chain/seal";
import { findAuditPage, scopeCondition } from "@/lib/audit/queries/audit-log";
import { isPortalRole } from "@/lib/auth/roles";
import { queueEmail } from "@/lib/email/outbox";
import { signWebhook, SIGNATURE_HEADER } from "@/lib/webhooks/signature";
import { auditPageHref, parseAuditPageParams } from "@/lib/search/audit-page-params";
import { auditQueryFor, auditViewerPolicy } from "@/lib/visibility/viewer-policy";
import { watchEmail, type NotifiedWatch, type Owner } from "./message";

/**
 * One round of the watch notifier. Each active watch's search runs as its owner as they are now
 * (role, account, columns, status read again every round), over the entries after the watch's
 * last notified id up to a settled horizon, so an entry committed late under a lower id is never
 * skipped. Matches go out batched: an email through the audited outbox, or a signed webhook POST.
 */

/** Entries listed in one notification; the rest are counted ("… and 12 more"). */
export const NOTIFY_CAP = 100;
/** A webhook being posted is left alone by other instances this long. */
const LEASE_MS = 2 * 60_000;
const WEBHOOK_TIMEOUT_MS = 10_000;
/** The label of the notifier's own entries (the SEND of each email): never a watch's match. */
const NOTIFIER_LABEL = "Watches";

export type WebhookRequest = { url: string; body: string; headers: Record<string, string> };
/** Resolves when the receiver accepted the body (2xx); rejects with why not. */
type WebhookTransport = (request: WebhookRequest) => Promise<void>;

const fetchWebhook: WebhookTransport = async ({ url, body, headers }) => {
  const response = await fetch(url, {
    method: "POST",
    body,
    headers,
    // A redirect could lead the signed body anywhere: only the URL the owner gave counts.
    redirect: "manual",
    signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
  });
  await response.body?.cancel();
  if (response.status < 200 || response.status > 299) {
    throw new Error(`The receiver answered HTTP ${response.status}.`);
  }
};

/** After n failures in a row: 1, 2, 4 … minutes, at most an hour. */
const backoffMs = (failures: number) => Math.min(60 * 60_000, 60_000 * 2 ** (failures - 1));

/**
 * Entries the notifier caused itself: its SEND entries, and whatever later happens to those
 * emails (the mailer's delivery updates). Matching them would notify about notifying, forever.
 */
const notOwnEntries: SQL = sql`not (${auditLog.actorType} = 'system' and ${auditLog.actorLabel} = ${NOTIFIER_LABEL})
  and not (${auditLog.tableName} = 'email_outbox' and exists (
    select 1 from ${emailOutbox} where ${emailOutbox.id}::text = ${auditLog.recordPk}
      and ${emailOutbox.kind} = 'watch'))`;

type DueWatch = {
  watch: typeof watches.$inferSelect;
  lastNotifiedId: number | null;
  failures: number | null;
  owner: typeof users.$inferSelect;
};

async function dueWatches(tx: Tx, now: Date): Promise<DueWatch[]> {
  return tx
    .select({
      watch: watches,
      lastNotifiedId: watchState.lastNotifiedId,
      failures: watchState.failures,
      owner: users,
    })
    .from(watches)
    .innerJoin(users, eq(users.id, watches.ownerUserId))
    .leftJoin(watchState, eq(watchState.watchId, watches.id))
    .where(
      and(
        eq(watches.active, true),
        or(isNull(watchState.leasedUntil), lt(watchState.leasedUntil, now)),
        or(isNull(watchState.nextAttemptAt), lte(watchState.nextAttemptAt, now)),
      ),
    )
    .orderBy(watches.id);
}

type StatePatch = Partial<Omit<typeof watchState.$inferInsert, "watchId">>;

async function saveState(db: Db | Tx, watchId: number, lastNotifiedId: number, patch: StatePatch) {
  const values = { lastNotifiedId, ...patch };
  await db
    .insert(watchState)
    .values({ watchId, ...values })
    .onConflictDoUpdate({ target: watchState.watchId, set: values });
}

type Planned = { watchId: number; horizon: number; failures: number; request: WebhookRequest };

export type RoundResult = { busy: boolean; emailed: number; posted: number; failed: number };

export type RoundOptions = {
  webhook?: WebhookTransport;
  /** APP_URL: emails then link to the owner's audit page with the watch's search. */
  appUrl?: string;
  now?: () => Date;
};

export async function runWatchRound(db: Db, options: RoundOptions = {}): Promise<RoundResult> {
  const now = options.now ?? (() => new Date());
  const webhook = options.webhook ?? fetchWebhook;
  const result: RoundResult = { busy: false, emailed: 0, posted: 0, failed: 0 };
  const horizon = await settledHorizon(db);

  const planned = await db.transaction(async (tx): Promise<Planned[] | null> => {
    const [a, b] = WATCH_NOTIFIER_LOCK;
    const [lock] = await queryRows<{ got: boolean }>(
      tx,
      sql`select pg_try_advisory_xact_lock(${a}::int, ${b}::int) as got`,
    );
    if (!lock?.got) return null;
    const posts: Planned[] = [];
    for (const due of await dueWatches(tx, now())) {
      const { watch, owner } = due;
      const last = due.lastNotifiedId ?? watch.startAfterId;
      if (last >= horizon) continue;
      // Whatever is skipped here is skipped for good: the owner could not see it when it happened.
      const skip = (error: string) => saveState(tx, watch.id, horizon, { lastError: error });
      if (owner.status !== "active") {
        await skip("The owner's sign-in is disabled: nothing was sent.");
        continue;
      }
      const policy = await auditViewerPolicy(tx, owner);
      if (!policy) {
        await skip("The owner may no longer read the audit log: nothing was sent.");
        continue;
      }
      const { where, searchError } = auditQueryFor(
        policy,
        parseAuditPageParams({ q: watch.query }),
      );
      if (searchError) {
        await skip(`The search no longer runs for the owner (${searchError}): nothing was sent.`);
        continue;
      }
      const range = and(where, gt(auditLog.id, last), lte(auditLog.id, horizon), notOwnEntries);
      const total = await tx.$count(auditLog, and(scopeCondition(policy.scope), range));
      if (total === 0) {
        await saveState(tx, watch.id, horizon, { lastError: null, failures: 0 });
        continue;
      }
      const { rows } = await findAuditPage(tx, {
        scope: policy.scope,
        where: range,
        sort: { key: "occurredAt", dir: "asc" },
        cursor: null,
        direction: "next",
        pageSize: NOTIFY_CAP,
        columns: policy.visible,
        withData: watch.channel === "webhook",
      });
      const notified: NotifiedWatch = { id: watch.id, name: watch.name, query: watch.query };
      if (watch.channel === "email") {
        const page = isPortalRole(owner.role) ? "/portal/audit-log" : "/audit-log";
        const link = options.appUrl
          ? `${options.appUrl}${auditPageHref(page, parseAuditPageParams({ q: watch.query }))}`
          : null;
        const ownerOf: Owner = owner;
        await queueEmail(
          tx,
          systemActor(NOTIFIER_LABEL),
          watchEmail(notified, ownerOf, rows, total, link),
        );
        await saveState(tx, watch.id, horizon, {
          lastNotifiedAt: now(),
          lastError: null,
          failures: 0,
        });
        result.emailed++;
        continue;
      }
      const body = JSON.stringify({
        watch: notified,
        entries: rows.map((row) => entryResource(row, policy)),
        more: total - rows.length,
        throughId: horizon,
      });
      posts.push({
        watchId: watch.id,
        horizon,
        failures: due.failures ?? 0,
        request: {
          url: watch.webhookUrl!,
          body,
          headers: {
            "content-type": "application/json",
            [SIGNATURE_HEADER]: signWebhook(watch.webhookSecret!, body),
          },
        },
      });
      // Leased, not advanced: the id moves only once the receiver has the body.
      await saveState(tx, watch.id, last, {
        leasedUntil: new Date(now().getTime() + LEASE_MS),
      });
    }
    return posts;
  });
  if (planned === null) return { ...result, busy: true };

  for (const post of planned) {
    let error: string | null = null;
    try {
      await webhook(post.request);
    } catch (err) {
      error = (err instanceof Error ? err.message : String(err)).slice(0, 500);
    }
    const failures = error === null ? 0 : post.failures + 1;
    // The id advances only on success; after a failure the next attempt sends these entries
    // again, with any newer ones. A watch deleted meanwhile has no state row left to update.
    await db
      .update(watchState)
      .set({
        ...(error === null ? { lastNotifiedId: post.horizon, lastNotifiedAt: now() } : {}),
        lastError: error === null ? null : `Webhook failed: ${error}`,
        failures,
        nextAttemptAt: error === null ? null : new Date(now().getTime() + backoffMs(failures)),
        leasedUntil: null,
      })
      .where(eq(watchState.watchId, post.watchId));
    if (error === null) result.posted++;
    else result.failed++;
  }
  return result;
}
