import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres, type Db, type ServerDatabase } from "@/db/client";
import { systemActor } from "@/lib/audit/actor";
import { settledHorizon } from "@/lib/audit/chain/seal";
import { recordAuditEvent } from "@/lib/audit/core";
import { AuditLiveHub } from "@/lib/audit/live/hub";
import { openLiveStream } from "@/lib/audit/live/stream";
import type { AuditRowView } from "@/lib/audit/row-view";
import { parseAuditPageParams } from "@/lib/search/audit-page-params";
import { auditViewerPolicy } from "@/lib/visibility/viewer-policy";
import { insertTestUser } from "./factories";
import { postgresBinaries, startRealPostgres, type RealPostgres } from "./real-postgres";

/**
 * Two app instances on one server, each with its own pool, its own hub and its own stream: every
 * entry written through either reaches both streams exactly once, including one whose writer
 * drew the lower id and held its transaction open while a higher id committed. A stream that
 * read up to a plain max(id) would pass the lower id before it committed and never send it; the
 * settled horizon never passes an id still to commit.
 */
const onServer = postgresBinaries || process.env.CI ? describe : describe.skip;

onServer("the live tail across instances (real Postgres)", () => {
  let pg: RealPostgres;
  let second: ServerDatabase;
  beforeAll(async () => {
    pg = await startRealPostgres("trunkline_live");
    second = await openPostgres(pg.url);
  }, 60_000);
  afterAll(async () => {
    await second?.close();
    await pg?.stop();
  });

  it("delivers every entry to every instance's stream, also out of id order", async () => {
    const first = pg.database as ServerDatabase;
    const user = await insertTestUser(first.db, { role: "admin" });
    const policy = await auditViewerPolicy(first.db, { ...user, timeZone: "UTC" });
    if (!policy) throw new Error("admin has no audit policy");
    const since = await settledHorizon(first.db);
    const abort = new AbortController();
    const received: [number[], number[]] = [[], []];
    [first.db, second.db].forEach((db, i) => {
      const hub = new AuditLiveHub(() => settledHorizon(db), { pollMs: 20 });
      const stream = openLiveStream({
        db,
        hub,
        policy,
        params: parseAuditPageParams({ q: "table:accounts" }),
        since,
        recheck: async () => policy,
        signal: abort.signal,
      });
      void collect(stream, received[i]!);
    });

    const write = (db: Db, message: string, holdMs = 0) =>
      db.transaction(async (tx) => {
        const id = await recordAuditEvent(tx, systemActor("live"), {
          action: "UPDATE",
          tableName: "accounts",
          message,
        });
        if (holdMs) await tx.execute(sql`select pg_sleep(${holdMs / 1000})`);
        return id;
      });
    const later = async (ms: number, fn: () => Promise<number>) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return fn();
    };
    // The first draws the lowest id and commits last; the others commit while it is open.
    const ids = await Promise.all([
      write(first.db, "held", 600),
      later(100, () => write(second.db, "quick")),
      later(200, () => write(first.db, "quicker")),
    ]);
    expect(ids[0]).toBeLessThan(ids[1]);
    const until = Date.now() + 5000;
    while (received.some((r) => r.length < ids.length) && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    abort.abort();
    const sorted = [...ids].sort((a, b) => a - b);
    for (const r of received) expect([...r].sort((a, b) => a - b)).toEqual(sorted);
  }, 30_000);
});

/** The entry ids a stream sends, in the order it sends them. */
async function collect(stream: ReadableStream<Uint8Array>, into: number[]) {
  const decoder = new TextDecoder();
  let buffer = "";
  const reader = stream.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let at: number;
    while ((at = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      const data = block.split("\n").find((l) => l.startsWith("data: "));
      if (!block.includes("event: entries") || !data) continue;
      const { rows } = JSON.parse(data.slice(6)) as { rows: AuditRowView[] };
      into.push(...rows.map((row) => row[0]));
    }
  }
}
