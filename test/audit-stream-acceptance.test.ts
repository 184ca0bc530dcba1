import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { queryRows } from "@/db/raw";
import { appSettings, auditStreamState } from "@/db/schema";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation, recordAuditEvent } from "@/lib/audit/core";
import { deliverAuditStream } from "@/lib/audit/stream/deliver";
import { createStreamDestination, deleteStreamDestination } from "@/lib/audit/stream/destinations";
import type { StreamPolicy } from "@/lib/audit/stream/target";
import { SERVER_CONDITION } from "@/tools/process/server-condition";
import { postgresBinaries, startRealPostgres, type RealPostgres } from "./real-postgres";
import {
  startSyslogReceiver,
  startWebhookReceiver,
  type WebhookReceiver,
} from "./stream/receivers";
import { parseRfc5424 } from "./stream/rfc5424";

/**
 * Issue 15's acceptance for streaming, on a real server (commits land out of id order there):
 * a loopback webhook receiver gets every entry of a burst of 1,000 changes exactly once after
 * deduplication by id, in order, every request signed, (a) while it answers 500 for a while and
 * (b) when the instance delivering is SIGKILLed mid-burst and others take over; and a syslog
 * collector's lines parse as RFC 5424.
 */
const onServer = postgresBinaries || process.env.CI ? describe : describe.skip;

const REPO_ROOT = path.resolve(__dirname, "..");
const policy: StreamPolicy = { allowHttpLoopback: true };
const admin = systemActor("Stream test admin");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, done: () => boolean | Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * 1,000 audited changes (a settings row each) from 8 concurrent writers, paced over ~2 s. With
 * `secondHalf`, the writers stop halfway until it resolves: a kill then lands mid-burst for sure.
 */
async function burst(
  db: Db,
  tag: string,
  count = 1000,
  paceMs = 15,
  secondHalf: Promise<void> = Promise.resolve(),
) {
  const writers = 8;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = w; i < count; i += writers) {
        if (i >= count / 2) await secondHalf;
        await auditedMutation(db, admin, {
          table: "app_settings",
          action: "CREATE",
          change: async (tx) => {
            await tx.insert(appSettings).values({ key: `stream-${tag}-${i}`, value: { i } });
            return `stream-${tag}-${i}`;
          },
        });
        if (paceMs) await sleep(paceMs);
      }
    }),
  );
}

/** Every entry id after `cursor`, in order: what the destination must receive. */
async function idsAfter(db: Db, cursor: number): Promise<number[]> {
  const rows = await queryRows<{ id: string | number }>(
    db,
    sql`select id from audit_log where id > ${cursor} order by id`,
  );
  return rows.map((r) => Number(r.id));
}

async function cursorOf(db: Db, id: number) {
  const [state] = await db
    .select()
    .from(auditStreamState)
    .where(eq(auditStreamState.destinationId, id));
  return state!;
}

/** First occurrences, in arrival order: after deduplication by id. */
const dedup = (ids: number[]) => [...new Set(ids)];

function expectExactlyOnceInOrder(receiver: WebhookReceiver, expected: number[]) {
  expect(receiver.rejected).toEqual([]);
  const firsts = dedup(receiver.received);
  expect(firsts).toEqual(expected);
}

onServer("streaming the audit log to a SIEM (real Postgres)", () => {
  let pg: RealPostgres;
  const cleanups: (() => Promise<void> | void)[] = [];
  beforeAll(async () => {
    pg = await startRealPostgres("trunkline_stream");
  }, 60_000);
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(() => pg?.stop());

  it("delivers a burst of 1,000 changes exactly once, in order, signed, through a receiver outage", async () => {
    const db = pg.database.db;
    const secret = "a-webhook-secret-of-some-length";
    const receiver = await startWebhookReceiver(secret);
    cleanups.push(() => receiver.close());
    receiver.failing = true;
    const { id } = await createStreamDestination(
      db,
      admin,
      { name: "SIEM a", kind: "webhook", url: receiver.url, secret, batchSize: "25" },
      policy,
    );
    cleanups.push(() => deleteStreamDestination(db, admin, id));
    const start = (await cursorOf(db, id)).deliveredThrough;

    let delivering = true;
    const worker = (async () => {
      while (delivering) {
        await deliverAuditStream(db, { policy, batchSize: 100 });
        await sleep(50);
      }
    })();
    const writing = burst(db, "a");
    await until("failed attempts", () => receiver.failures >= 2, 20_000);
    const failing = await cursorOf(db, id);
    expect(failing.lastError).toMatch(/HTTP 500/);
    expect(failing.attempts).toBeGreaterThanOrEqual(1);
    expect(failing.deliveredThrough).toBe(start);
    receiver.failing = false;
    await writing;

    const expected = await idsAfter(db, start);
    expect(expected.length).toBe(1001); // the destination's own CREATE and the burst
    // On a timeout the comparison below names what is missing.
    await until("every entry", () => receiver.distinct() >= expected.length, 60_000).catch(
      () => {},
    );
    delivering = false;
    await worker;

    expectExactlyOnceInOrder(receiver, expected);
    const state = await cursorOf(db, id);
    expect(state).toMatchObject({ deliveredThrough: expected.at(-1), attempts: 0 });
  }, 120_000);

  it("keeps delivering exactly once, in order, when the delivering instance is SIGKILLed mid-burst", async () => {
    const db = pg.database.db;
    const secret = "another-webhook-secret-0123456789";
    const receiver = await startWebhookReceiver(secret);
    cleanups.push(() => receiver.close());
    // A slow SIEM: batches are in flight most of the time, so the kill lands mid-batch.
    receiver.delayMs = 15;
    const { id } = await createStreamDestination(
      db,
      admin,
      { name: "SIEM b", kind: "webhook", url: receiver.url, secret, batchSize: "10" },
      policy,
    );
    cleanups.push(() => deleteStreamDestination(db, admin, id));
    const start = (await cursorOf(db, id)).deliveredThrough;

    const children = new Set<ChildProcess>();
    cleanups.push(() => {
      for (const child of children) child.kill("SIGKILL");
    });
    const instance = async () => {
      const child = spawn(
        process.execPath,
        [
          SERVER_CONDITION,
          "--import",
          "tsx",
          path.join(REPO_ROOT, "test/stream/worker-child.ts"),
          pg.url,
        ],
        { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] },
      );
      children.add(child);
      child.once("exit", () => children.delete(child));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (chunk: Buffer) => {
          if (chunk.toString().includes("ready")) resolve();
        });
        child.once("exit", (code) => reject(new Error(`worker exited (${code})`)));
      });
      return child;
    };

    const first = await instance();
    let resume = () => {};
    const secondHalf = new Promise<void>((resolve) => (resume = resolve));
    const writing = burst(db, "b", 1000, 15, secondHalf);
    await until("the first instance delivering", () => receiver.distinct() >= 200, 60_000);
    const deliveredBeforeKill = receiver.distinct();
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    // The rest of the burst, while two instances take over, competing for the destination.
    resume();
    await Promise.all([instance(), instance()]);
    await writing;

    const expected = await idsAfter(db, start);
    expect(expected.length).toBe(1001);
    // On a timeout the comparison below names what is missing.
    await until("every entry", () => receiver.distinct() >= expected.length, 90_000).catch(
      () => {},
    );
    await until(
      "the cursor at the end",
      async () => (await cursorOf(db, id)).deliveredThrough === expected.at(-1),
      10_000,
    );

    expect(deliveredBeforeKill).toBeLessThanOrEqual(501); // the first half and the CREATE
    expectExactlyOnceInOrder(receiver, expected);
    // Only the batch in flight at the kill is sent twice (a worker's batch is 50 entries):
    // the two instances after it never sent the same batch side by side.
    const duplicates = receiver.received.length - receiver.distinct();
    expect(duplicates).toBeLessThanOrEqual(50);
  }, 180_000);

  it("writes syslog lines a collector parses as RFC 5424, one per entry", async () => {
    const db = pg.database.db;
    const collector = await startSyslogReceiver();
    cleanups.push(() => collector.close());
    const { id } = await createStreamDestination(
      db,
      admin,
      {
        name: "Syslog",
        kind: "syslog",
        host: "127.0.0.1",
        port: String(collector.port),
        transport: "tcp",
      },
      policy,
    );
    cleanups.push(() => deleteStreamDestination(db, admin, id));
    const start = (await cursorOf(db, id)).deliveredThrough;
    // Text a naive formatter breaks: quotes, brackets and backslashes in SD values, line breaks
    // and non-ASCII in the message.
    await recordAuditEvent(db, systemActor('Ops "night" [shift] \\ ü'), {
      action: "UPDATE",
      tableName: "accounts",
      recordPk: 'a"]\\b',
      message: 'line one\nline two ] " \\ — ü',
    });
    await burst(db, "c", 40, 0);

    const expected = await idsAfter(db, start);
    await until(
      "every line",
      async () => {
        await deliverAuditStream(db, { policy });
        return collector.messages.length >= expected.length;
      },
      30_000,
    );

    const parsed = collector.messages.map(parseRfc5424);
    for (const line of parsed) expect(line).not.toBeInstanceOf(Error);
    const lines = parsed as Exclude<(typeof parsed)[number], Error>[];
    expect(lines.map((l) => Number(l.params.id))).toEqual(expected);
    for (const line of lines) {
      expect(line).toMatchObject({ pri: 110, version: 1, appName: "trunkline" });
      expect(line.msg?.startsWith("\uFEFF")).toBe(true);
      const entry = JSON.parse(line.msg!.slice(1)) as {
        id: number;
        action: string;
        tableName: string;
      };
      expect(entry.id).toBe(Number(line.params.id));
      expect(line.msgId).toBe(entry.action);
      expect(line.params.table).toBe(entry.tableName);
    }
    const tricky = lines.find((l) => l.params.pk === 'a"]\\b');
    expect(tricky?.params.actor).toBe('Ops "night" [shift] \\ ü');
    expect(JSON.parse(tricky!.msg!.slice(1))).toMatchObject({
      message: 'line one\nline two ] " \\ — ü',
    });
  }, 60_000);
});
