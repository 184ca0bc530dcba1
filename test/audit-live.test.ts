import { eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { queryRows } from "@/db/raw";
import * as schema from "@/db/schema";
import { systemActor } from "@/lib/audit/actor";
import { settledHorizon } from "@/lib/audit/chain/seal";
import { recordAuditEvent, type AuditEvent } from "@/lib/audit/core";
import { AuditLiveHub } from "@/lib/audit/live/hub";
import { openLiveStream } from "@/lib/audit/live/stream";
import type { AuditRowView } from "@/lib/audit/row-view";
import {
  endSession,
  findSessionUser,
  findSessionUserUnseen,
  openSession,
} from "@/lib/auth/user-sessions";
import { parseAuditPageParams, type RawSearchParams } from "@/lib/search/audit-page-params";
import { auditViewerPolicy, type AuditViewerPolicy } from "@/lib/visibility/viewer-policy";
import { setUpTestDatabase } from "./db";
import { insertTestAccount, insertTestUser } from "./factories";

/**
 * The live tail on the embedded database: while a stream is open the hub polls the settled
 * horizon and wakes each stream once per advance, each stream reads once per wake-up within its
 * viewer's policy, resumes after an id, and ends with its session; writers pay nothing.
 */

const database = setUpTestDatabase();

const SECRET_IP = "203.0.113.201";
let acme: number;
let zephyr: number;
const cleanup: (() => unknown)[] = [];

afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

beforeAll(async () => {
  acme = (await insertTestAccount(database.db, "customer", "Acme Live Telecom")).id;
  zephyr = (await insertTestAccount(database.db, "carrier", "Zephyr Live Transit")).id;
});

const actor = () => systemActor("Live Tester", { type: "user", ip: SECRET_IP });

function event(accountId: number | null, message: string): AuditEvent {
  return {
    action: "UPDATE",
    tableName: "accounts",
    recordPk: String(accountId),
    message,
    accountId,
  };
}

/** Entries written in one transaction: they settle together, at its commit. */
async function writeTogether(events: AuditEvent[]): Promise<number[]> {
  return database.db.transaction(async (tx) => {
    const ids: number[] = [];
    for (const e of events) ids.push(await recordAuditEvent(tx, actor(), e));
    return ids;
  });
}

async function policyFor(role: "admin" | "support" | "customer", accountId: number | null) {
  const user = await insertTestUser(database.db, { role, accountId });
  const policy = await auditViewerPolicy(database.db, { ...user, timeZone: "UTC" });
  if (!policy) throw new Error(`${role} has no audit policy`);
  return { user, policy };
}

/** The same database through a second Drizzle instance that counts the statements it sends. */
function countingDb(): { db: Db; count: () => number } {
  let n = 0;
  const db = drizzle({
    client: database.client,
    schema,
    casing: "snake_case",
    logger: { logQuery: () => void n++ },
  }) as unknown as Db;
  return { db, count: () => n };
}

const horizon = () => settledHorizon(database.db);

function newHub(options: { pollMs?: number } = {}) {
  return new AuditLiveHub(horizon, { pollMs: options.pollMs ?? 100 });
}

type Received = { event: string; id?: number; data: unknown };

/** Reads a stream's events as they arrive. */
function reader(stream: ReadableStream<Uint8Array>) {
  const events: Received[] = [];
  const text: string[] = [];
  let ended = false;
  const r = stream.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  void (async () => {
    for (;;) {
      const { value, done } = await r.read();
      if (done) break;
      const chunk = decoder.decode(value, { stream: true });
      text.push(chunk);
      buffer += chunk;
      let at: number;
      while ((at = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        const fields = Object.fromEntries(
          block
            .split("\n")
            .filter((l) => !l.startsWith(":") && l.includes(": "))
            .map((l) => [l.slice(0, l.indexOf(": ")), l.slice(l.indexOf(": ") + 2)]),
        );
        if (fields.event) {
          events.push({
            event: fields.event,
            id: fields.id ? Number(fields.id) : undefined,
            data: JSON.parse(fields.data ?? "null"),
          });
        }
      }
    }
    ended = true;
  })();
  cleanup.push(() => r.cancel().catch(() => {}));
  const rows = () =>
    events
      .filter((e) => e.event === "entries")
      .flatMap((e) => (e.data as { rows: AuditRowView[] }).rows);
  return {
    events,
    rows,
    raw: () => text.join(""),
    ended: () => ended,
    async waitFor(check: () => boolean, what: string, ms = 5000) {
      const until = Date.now() + ms;
      while (!check()) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function maxId(): Promise<number> {
  const [row] = await queryRows<{ id: number }>(
    database.db,
    sql`select coalesce(max(id), 0)::int as id from audit_log`,
  );
  return row!.id;
}

function stream(
  hub: AuditLiveHub,
  policy: AuditViewerPolicy,
  options: {
    db?: Db;
    params?: RawSearchParams;
    since: number;
    recheck?: () => Promise<AuditViewerPolicy | null>;
    recheckMs?: number;
  },
) {
  return openLiveStream({
    db: options.db ?? database.db,
    hub,
    policy,
    params: parseAuditPageParams(options.params ?? {}),
    since: options.since,
    recheck: options.recheck ?? (async () => policy),
    recheckMs: options.recheckMs ?? 60_000,
    heartbeatMs: 60_000,
  });
}

describe("the hub", () => {
  it("wakes each subscriber once per horizon advance, with the new horizon", async () => {
    const hub = newHub();
    const wakes: number[] = [];
    cleanup.push(await hub.subscribe((h) => wakes.push(h)));
    await sleep(300);
    expect(wakes).toEqual([]); // nothing written: nobody is woken
    const ids = await writeTogether([event(acme, "a"), event(acme, "b"), event(zephyr, "c")]);
    await sleep(400);
    expect(wakes).toEqual([Math.max(...ids)]);
    const more = await recordAuditEvent(database.db, actor(), event(acme, "d"));
    await sleep(400);
    expect(wakes).toEqual([Math.max(...ids), more]);
  });

  it("never wakes anyone for an entry whose transaction rolled back", async () => {
    const hub = newHub();
    const wakes: number[] = [];
    cleanup.push(await hub.subscribe((h) => wakes.push(h)));
    await expect(
      database.db.transaction(async (tx) => {
        await recordAuditEvent(tx, actor(), event(acme, "rolled back"));
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    await sleep(400);
    expect(wakes).toEqual([]);
  });

  it("polls once per instance while a stream is open, and queries nothing when idle", async () => {
    let polls = 0;
    const hub = new AuditLiveHub(
      async () => {
        polls++;
        return horizon();
      },
      { pollMs: 100 },
    );
    await sleep(250);
    expect(polls).toBe(0); // no stream: no query
    const a = await hub.subscribe(() => {});
    const b = await hub.subscribe(() => {});
    expect(polls).toBe(1); // one horizon for the instance, not one per stream
    expect(hub.horizon).toBe(await maxId());
    await sleep(500);
    // Every 100 ms for the instance: at most 6 by now; one poll per stream would make it ~11.
    const open = polls;
    expect(open).toBeGreaterThan(1);
    expect(open).toBeLessThanOrEqual(7);
    a();
    b();
    await sleep(50);
    const closed = polls;
    await sleep(350);
    expect(polls).toBe(closed); // the last stream left: the hub stops polling
    expect(hub.size).toBe(0);
  });
});

describe("a live stream", () => {
  it("costs one query per wake-up per stream, not one per entry", async () => {
    const hub = newHub();
    const { policy } = await policyFor("admin", null);
    const first = countingDb();
    const second = countingDb();
    const since = await maxId();
    const a = reader(stream(hub, policy, { db: first.db, since }));
    const b = reader(stream(hub, policy, { db: second.db, since }));
    await sleep(250);
    expect([first.count(), second.count()]).toEqual([0, 0]); // nothing new: nothing read

    const ids = await writeTogether(Array.from({ length: 8 }, (_, i) => event(acme, `burst ${i}`)));
    await a.waitFor(() => a.rows().length === 8, "the burst on stream a");
    await b.waitFor(() => b.rows().length === 8, "the burst on stream b");
    await sleep(300);
    expect(first.count()).toBe(1);
    expect(second.count()).toBe(1);
    // Newest first, as the table shows them; the event's id is the horizon read up to.
    expect(a.rows().map((r) => r[0])).toEqual([...ids].reverse());
    expect(a.events.at(-1)?.id).toBe(Math.max(...ids));
  });

  it("sends only entries matching the page's search and filters", async () => {
    const hub = newHub();
    const { policy } = await policyFor("admin", null);
    const since = await maxId();
    const s = reader(stream(hub, policy, { since, params: { q: `account:${zephyr}` } }));
    await sleep(100);
    await recordAuditEvent(database.db, actor(), event(acme, "outside the search"));
    const inside = await recordAuditEvent(database.db, actor(), event(zephyr, "inside"));
    await s.waitFor(() => s.rows().length > 0, "the matching entry");
    await sleep(500);
    expect(s.rows().map((r) => r[0])).toEqual([inside]);
  });

  it("never sends a portal user another account's entry", async () => {
    const hub = newHub();
    const { policy } = await policyFor("customer", acme);
    const since = await maxId();
    const s = reader(stream(hub, policy, { since }));
    await sleep(100);
    await writeTogether([event(zephyr, "Zephyr's secret"), event(null, "staff only")]);
    const own = await recordAuditEvent(database.db, actor(), event(acme, "Acme's own"));
    await s.waitFor(() => s.rows().length > 0, "the account's entry");
    await sleep(500);
    expect(s.rows().map((r) => r[0])).toEqual([own]);
    expect(s.raw()).not.toContain("Zephyr's secret");
    expect(s.raw()).not.toContain("staff only");
  });

  it("never sends a column the viewer may not see", async () => {
    const hub = newHub();
    const { policy } = await policyFor("support", null);
    expect(policy.visible).not.toContain("ip");
    const admin = await policyFor("admin", null);
    const since = await maxId();
    const s = reader(stream(hub, policy, { since }));
    const a = reader(stream(hub, admin.policy, { since }));
    await sleep(100);
    await recordAuditEvent(database.db, actor(), event(acme, "from a secret address"));
    await s.waitFor(() => s.rows().length === 1, "the entry for support");
    await a.waitFor(() => a.rows().length === 1, "the entry for the admin");
    expect(a.raw()).toContain(SECRET_IP); // the control: the admin's payload has it
    expect(s.rows()[0]![2]).toBeNull();
    expect(s.raw()).not.toContain(SECRET_IP);
  });

  it("resumes after the last id it was given, then follows new entries", async () => {
    const hub = newHub();
    const { policy } = await policyFor("admin", null);
    const [before, ...missed] = await writeTogether([
      event(acme, "seen before the reconnect"),
      event(acme, "missed 1"),
      event(acme, "missed 2"),
    ]);
    const s = reader(stream(hub, policy, { since: before!, params: { q: `account:${acme}` } }));
    await s.waitFor(() => s.rows().length === 2, "the missed entries");
    expect(s.rows().map((r) => r[0])).toEqual([...missed].reverse());
    const next = await recordAuditEvent(database.db, actor(), event(acme, "after"));
    await s.waitFor(() => s.rows().length === 3, "the new entry");
    expect(s.rows()[2]![0]).toBe(next);
  });

  it("reads a burst larger than its cap in several queries, each entry once", async () => {
    const hub = newHub();
    const { policy } = await policyFor("admin", null);
    const counted = countingDb();
    const s = reader(
      openLiveStream({
        db: counted.db,
        hub,
        policy,
        params: parseAuditPageParams({ q: `account:${acme}` }),
        since: await maxId(),
        recheck: async () => policy,
        batch: 3,
      }),
    );
    await sleep(150);
    const ids = await writeTogether(Array.from({ length: 7 }, (_, i) => event(acme, `big ${i}`)));
    await s.waitFor(() => s.rows().length === 7, "the burst");
    await sleep(300);
    expect(counted.count()).toBe(3);
    expect(s.rows().map((r) => r[0])).toEqual([
      ...ids.slice(0, 3).reverse(),
      ...ids.slice(3, 6).reverse(),
      ids[6],
    ]);
    expect(s.events.at(-1)?.id).toBe(ids[6]);
  });

  it("ends when the viewer's session ends, and stops reading", async () => {
    const hub = newHub();
    const { user, policy } = await policyFor("admin", null);
    const sessionId = await openSession(database.db, user.id, { ip: null, userAgent: null });
    const recheck = async () => {
      const now = await findSessionUserUnseen(database.db, sessionId, user.id);
      return now ? auditViewerPolicy(database.db, { ...now, timeZone: "UTC" }) : null;
    };
    const s = reader(stream(hub, policy, { since: await maxId(), recheck, recheckMs: 100 }));
    await sleep(300);
    expect(s.ended()).toBe(false);
    expect(hub.size).toBe(1);
    await endSession(database.db, sessionId, "signed_out");
    await s.waitFor(() => s.ended(), "the stream to end");
    expect(s.events.at(-1)).toMatchObject({ event: "end", data: { reason: "signed-out" } });
    expect(hub.size).toBe(0);
  });

  it("checks the session without marking it seen, so a tab left on Live lets it go idle", async () => {
    const { user } = await policyFor("admin", null);
    const sessionId = await openSession(database.db, user.id, { ip: null, userAgent: null });
    const seenAt = async () => {
      const [row] = await database.db
        .select({ at: sql<string>`${schema.userSessions.lastSeenAt}::text` })
        .from(schema.userSessions)
        .where(eq(schema.userSessions.id, sessionId));
      return row!.at;
    };
    await database.db
      .update(schema.userSessions)
      .set({ lastSeenAt: sql`now() - interval '5 minutes'` })
      .where(eq(schema.userSessions.id, sessionId));
    const before = await seenAt();
    expect(await findSessionUserUnseen(database.db, sessionId, user.id)).toMatchObject({
      id: user.id,
    });
    expect(await seenAt()).toBe(before);
    // The control: an ordinary request's check does mark it.
    await findSessionUser(database.db, sessionId, user.id);
    expect(await seenAt()).not.toBe(before);
  });
});
