import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { desc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { queryRows } from "@/db/raw";
import { auditLog, auditOutbox, auditStreamDestinations, auditStreamState } from "@/db/schema";
import type { Operation } from "@/lib/actions/operation";
import { systemActor } from "@/lib/audit/actor";
import { recordAuditEvent } from "@/lib/audit/core";
import { REDACTED } from "@/lib/audit/redact";
import { BACKOFF_CAP_MS, retryDelayMs } from "@/lib/audit/stream/backoff";
import { deliverAuditStream, type Send } from "@/lib/audit/stream/deliver";
import {
  createStreamDestinationOperation,
  deleteStreamDestinationOperation,
  replayStreamDestinationOperation,
  sendStreamTestOperation,
  setStreamDestinationEnabledOperation,
  updateStreamDestinationOperation,
} from "@/lib/audit/stream/destinations";
import type { StreamEntry } from "@/lib/audit/stream/payload";
import { listStreamDestinations } from "@/lib/audit/stream/status";
import { frame, syslogLine } from "@/lib/audit/stream/syslog";
import type { CurrentUser } from "@/lib/auth/session";
import { setUpTestDatabase } from "./db";
import { insertTestUser } from "./factories";
import { asCurrent, runAs, sessionUser } from "./run-action";
import { parseRfc5424 } from "./stream/rfc5424";

const database = setUpTestDatabase();
const fileDir = mkdtempSync(path.join(tmpdir(), "trunkline-stream-"));
const SECRET = "unit-test-secret-0123456789";

let admin: CurrentUser;
beforeAll(async () => {
  process.env.AUDIT_STREAM_HTTP_LOOPBACK = "true";
  process.env.AUDIT_STREAM_FILE_DIR = fileDir;
  admin = asCurrent(await insertTestUser(database.db, { role: "admin" }));
});
afterAll(() => {
  delete process.env.AUDIT_STREAM_HTTP_LOOPBACK;
  delete process.env.AUDIT_STREAM_FILE_DIR;
  rmSync(fileDir, { recursive: true, force: true });
});

const run = <S extends z.ZodType, T>(op: Operation<S, T>, user: CurrentUser, raw: object) =>
  runAs(database.db, op, user, raw);

const webhook = (overrides: object = {}) => ({
  name: "SIEM",
  kind: "webhook",
  url: "https://siem.example.com/ingest",
  secret: SECRET,
  batchSize: "100",
  ...overrides,
});

async function create(raw: object = webhook()): Promise<number> {
  const result = await run(createStreamDestinationOperation, admin, raw);
  expect(result).toMatchObject({ status: "ok" });
  return (result as { data: { id: number } }).data.id;
}

const counts = async () => ({
  destinations: await database.db.$count(auditStreamDestinations),
  states: await database.db.$count(auditStreamState),
  entries: await database.db.$count(auditLog),
});

const stateOf = async (id: number) =>
  (
    await database.db.select().from(auditStreamState).where(eq(auditStreamState.destinationId, id))
  )[0]!;

const event = (message: string) =>
  recordAuditEvent(database.db, systemActor("unit"), {
    action: "UPDATE",
    tableName: "accounts",
    message,
  });

/** A `send` that records what it got, and fails while `failing` is set. */
function recordingSend() {
  const sent: { destination: string; ids: number[] }[] = [];
  const control = { failing: false };
  const send: Send = async (destination, entries) => {
    if (control.failing) throw new Error("connection refused");
    const where = destination.kind === "webhook" ? destination.target.url : destination.kind;
    sent.push({ destination: where, ids: entries.map((e) => e.id) });
  };
  return { sent, control, send };
}

const policy = { allowHttpLoopback: true, fileDir };

/** Makes every destination due now (the backoff's wait, skipped). */
const dueNow = () =>
  database.db.execute(sql`update audit_stream_state set next_attempt_at = now()`);

describe("syslog lines (RFC 5424, RFC 6587 octet counting)", () => {
  const entry: StreamEntry = {
    id: 42,
    occurredAt: "2026-11-30T22:37:49.123456Z",
    actorType: "user",
    actorUserId: 7,
    actorLabel: 'Ann "the admin" [ops] \\',
    actorDetail: null,
    apiKeyId: null,
    ip: "198.51.100.23",
    userAgent: null,
    channel: "control_panel",
    requestId: "r1",
    action: "UPDATE",
    tableName: "accounts",
    recordPk: "1042",
    accountId: 1042,
    ingressId: null,
    relatedIds: [],
    message: "Changed credit limit\nfrom 1 ] to 2 — ü",
    comment: null,
    before: { creditLimit: "1.00" },
    after: { creditLimit: "2.00" },
    entryHash: "ab".repeat(32),
    chainHash: null,
  };

  it("formats an entry as one RFC 5424 line with the entry in its structured data and message", () => {
    const line = syslogLine(entry, { host: "app-1.example", procId: "4242" });
    expect(line).not.toContain("\n");
    const parsed = parseRfc5424(line);
    if (parsed instanceof Error) throw parsed;
    expect(parsed).toMatchObject({
      pri: 110,
      version: 1,
      timestamp: "2026-11-30T22:37:49.123456Z",
      hostname: "app-1.example",
      appName: "trunkline",
      procId: "4242",
      msgId: "UPDATE",
      params: { id: "42", table: "accounts", pk: "1042", actor: 'Ann "the admin" [ops] \\' },
    });
    expect(JSON.parse(parsed.msg!.replace(/^\uFEFF/, ""))).toEqual(entry);
  });

  it("keeps the header valid whatever the host name or action holds, and omits a missing pk", () => {
    const line = syslogLine(
      { ...entry, action: "UP DATE\u00e9", recordPk: null },
      { host: "bad host\u00fc", procId: "" },
    );
    const parsed = parseRfc5424(line);
    if (parsed instanceof Error) throw parsed;
    expect(parsed).toMatchObject({ hostname: "badhost", procId: "-", msgId: "UPDATE" });
    expect(parsed.params).not.toHaveProperty("pk");
  });

  it("frames by octets, not characters", () => {
    const line = syslogLine(entry, { host: "h", procId: "1" });
    const framed = frame(line);
    const [length, ...rest] = framed.split(" ");
    expect(Number(length)).toBe(Buffer.byteLength(line));
    expect(Number(length)).toBeGreaterThan(line.length); // "—", "ü" and the BOM are multibyte
    expect(rest.join(" ")).toBe(line);
  });

  it("is held to the grammar: the checker refuses lines that break it", () => {
    const good = syslogLine(entry, { host: "h", procId: "1" });
    for (const bad of [
      good.replace("<110>", "<192>"),
      good.replace(">1 ", ">0 "),
      good.replace("2026-11-30T", "2026-11-30 "),
      good.replace('id="42"', 'id="4"2"'),
      good.replace("[trunkline@32473", "[trunk line"),
      `${good}\nsecond line`,
    ]) {
      expect(parseRfc5424(bad)).toBeInstanceOf(Error);
    }
  });
});

describe("retry backoff", () => {
  it("doubles from about a second, capped at five minutes, with jitter in the upper half", () => {
    expect(retryDelayMs(1, () => 0)).toBe(500);
    expect(retryDelayMs(1, () => 1)).toBe(1_000);
    expect(retryDelayMs(2, () => 1)).toBe(2_000);
    expect(retryDelayMs(5, () => 1)).toBe(16_000);
    expect(retryDelayMs(9, () => 1)).toBe(256_000);
    expect(retryDelayMs(10, () => 1)).toBe(BACKOFF_CAP_MS);
    expect(retryDelayMs(500, () => 1)).toBe(BACKOFF_CAP_MS);
    expect(retryDelayMs(500, () => 0)).toBe(BACKOFF_CAP_MS / 2);
  });
});

describe("the outbox", () => {
  it("gets a row for an entry in the entry's own transaction, and none when it rolls back", async () => {
    const committed = await event("kept");
    let rolledBack = 0;
    await expect(
      database.db.transaction(async (tx) => {
        rolledBack = await recordAuditEvent(tx, systemActor("unit"), {
          action: "UPDATE",
          tableName: "accounts",
          message: "discarded",
        });
        const [queued] = await tx
          .select()
          .from(auditOutbox)
          .where(eq(auditOutbox.entryId, rolledBack));
        expect(queued).toBeDefined(); // inside the transaction, beside its entry
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    const rows = await database.db.select().from(auditOutbox);
    expect(rows.map((r) => r.entryId)).toContain(committed);
    expect(rows.map((r) => r.entryId)).not.toContain(rolledBack);
    expect(await database.db.$count(auditLog, eq(auditLog.id, rolledBack))).toBe(0);
  });
});

describe("destinations: validation", () => {
  const hostile: [string, object, string][] = [
    ["plain http", webhook({ url: "http://siem.example.com/x" }), "url"],
    ["http to a private address", webhook({ url: "http://10.0.0.1/x" }), "url"],
    ["a javascript: URL", webhook({ url: "javascript:alert(1)" }), "url"],
    ["a file: URL", webhook({ url: "file:///etc/passwd" }), "url"],
    ["credentials in the URL", webhook({ url: "https://u:p@siem.example.com/" }), "url"],
    ["a CRLF in the URL", webhook({ url: "https://siem.example.com/\r\nX-Evil: 1" }), "url"],
    ["no URL", webhook({ url: "" }), "url"],
    ["a short secret", webhook({ secret: "short" }), "secret"],
    ["no secret", webhook({ secret: "" }), "secret"],
    ["batch size 0", webhook({ batchSize: "0" }), "batchSize"],
    ["batch size 501", webhook({ batchSize: "501" }), "batchSize"],
    ["a NUL in the name", webhook({ name: "a\u0000b" }), "name"],
    ["no name", webhook({ name: "  " }), "name"],
    ["an unknown kind", webhook({ kind: "ftp" }), "kind"],
    [
      "a host with a space",
      { name: "s", kind: "syslog", host: "a b", port: "514", transport: "tcp" },
      "host",
    ],
    [
      "a host with CRLF",
      { name: "s", kind: "syslog", host: "evil\r\nhost", port: "514", transport: "tcp" },
      "host",
    ],
    [
      "a host like an option",
      { name: "s", kind: "syslog", host: "-oProxy", port: "514", transport: "tcp" },
      "host",
    ],
    ["port 0", { name: "s", kind: "syslog", host: "siem", port: "0", transport: "tcp" }, "port"],
    [
      "port 65536",
      { name: "s", kind: "syslog", host: "siem", port: "65536", transport: "tcp" },
      "port",
    ],
    [
      "a port with a command",
      { name: "s", kind: "syslog", host: "siem", port: "514; rm", transport: "tcp" },
      "port",
    ],
    [
      "UDP",
      { name: "s", kind: "syslog", host: "siem", port: "514", transport: "udp" },
      "transport",
    ],
    ["a path up", { name: "f", kind: "file", fileName: "../../etc/passwd" }, "fileName"],
    ["an absolute path", { name: "f", kind: "file", fileName: "/etc/passwd" }, "fileName"],
    ["a subfolder", { name: "f", kind: "file", fileName: "a/b.ndjson" }, "fileName"],
    ["a hidden file", { name: "f", kind: "file", fileName: ".bashrc" }, "fileName"],
  ];

  it.each(hostile)("refuses %s with a field error and writes nothing", async (_, raw, field) => {
    const before = await counts();
    const result = await run(createStreamDestinationOperation, admin, raw);
    expect(result.status).toBe("error");
    expect((result as { fieldErrors?: Record<string, string[]> }).fieldErrors).toHaveProperty(
      field,
    );
    expect(await counts()).toEqual(before);
  });

  it("refuses file destinations when the operator has not set AUDIT_STREAM_FILE_DIR", async () => {
    delete process.env.AUDIT_STREAM_FILE_DIR;
    try {
      const before = await counts();
      const result = await run(createStreamDestinationOperation, admin, {
        name: "f",
        kind: "file",
        fileName: "audit.ndjson",
      });
      expect(result).toMatchObject({
        status: "error",
        fieldErrors: { kind: [expect.stringContaining("AUDIT_STREAM_FILE_DIR")] },
      });
      expect(await counts()).toEqual(before);
    } finally {
      process.env.AUDIT_STREAM_FILE_DIR = fileDir;
    }
  });

  it("refuses an edit with a hostile value and keeps the destination as it was", async () => {
    const id = await create(webhook({ name: "Edit me" }));
    const [row] = await database.db
      .select()
      .from(auditStreamDestinations)
      .where(eq(auditStreamDestinations.id, id));
    const before = await counts();
    const result = await run(updateStreamDestinationOperation, admin, {
      ...webhook({ name: "Edit me", url: "http://evil.example/" }),
      id: String(id),
      version: String(row!.version),
    });
    expect(result).toMatchObject({ status: "error", fieldErrors: { url: [expect.any(String)] } });
    expect(await counts()).toEqual(before);
    const [after] = await database.db
      .select()
      .from(auditStreamDestinations)
      .where(eq(auditStreamDestinations.id, id));
    expect(after).toEqual(row);
  });
});

describe("destinations: audited changes", () => {
  it("records the creation with the secret redacted, and never lists the secret", async () => {
    const id = await create(webhook({ name: "Redacted" }));
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.tableName, "audit_stream_destinations"))
      .orderBy(desc(auditLog.id))
      .limit(1);
    expect(entry).toMatchObject({ action: "CREATE", recordPk: String(id), actorUserId: admin.id });
    expect(entry!.after).toMatchObject({ secret: REDACTED, name: "Redacted" });
    expect(JSON.stringify(entry)).not.toContain(SECRET);
    const listed = (await listStreamDestinations(database.db)).find((d) => d.id === id);
    expect(listed).toMatchObject({ hasSecret: true, kind: "webhook" });
    expect(JSON.stringify(listed)).not.toContain(SECRET);
  });

  it("keeps the secret on an edit that leaves it blank, and audits the edit", async () => {
    const id = await create(webhook({ name: "Keep secret" }));
    const result = await run(updateStreamDestinationOperation, admin, {
      ...webhook({ name: "Kept secret", secret: "" }),
      id: String(id),
      version: "1",
    });
    expect(result.status).toBe("ok");
    const [row] = await database.db
      .select()
      .from(auditStreamDestinations)
      .where(eq(auditStreamDestinations.id, id));
    expect(row).toMatchObject({ name: "Kept secret", secret: SECRET, version: 2 });
    const [entry] = await database.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    expect(entry).toMatchObject({
      action: "UPDATE",
      tableName: "audit_stream_destinations",
      recordPk: String(id),
    });
  });

  it("lets only admins change destinations: other roles are refused and nothing is written", async () => {
    const id = await create(webhook({ name: "Authz" }));
    const others = [
      sessionUser("support"),
      sessionUser("auditor"),
      sessionUser("branding"),
      sessionUser("customer", 1),
    ];
    const attempts = [
      (u: CurrentUser) => run(createStreamDestinationOperation, u, webhook()),
      (u: CurrentUser) =>
        run(updateStreamDestinationOperation, u, { ...webhook(), id: String(id), version: "1" }),
      (u: CurrentUser) => run(deleteStreamDestinationOperation, u, { id: String(id) }),
      (u: CurrentUser) =>
        run(setStreamDestinationEnabledOperation, u, { id: String(id), enabled: "false" }),
      (u: CurrentUser) => run(replayStreamDestinationOperation, u, { id: String(id), fromId: "1" }),
      (u: CurrentUser) => run(sendStreamTestOperation, u, { id: String(id) }),
    ];
    const before = await counts();
    const state = await stateOf(id);
    for (const user of others) {
      for (const attempt of attempts) {
        const result = await attempt(user);
        expect(result).toMatchObject({
          status: "error",
          error: "Your role does not allow this action.",
        });
      }
    }
    expect(await counts()).toEqual(before);
    expect(await stateOf(id)).toEqual(state);
  });
});

describe("delivery", () => {
  it("sends queued entries in id order, moves the cursor after success, backs off on failure, prunes", async () => {
    // Only this test's destination is enabled.
    for (const d of await listStreamDestinations(database.db)) {
      if (d.enabled)
        await run(setStreamDestinationEnabledOperation, admin, {
          id: String(d.id),
          enabled: "false",
        });
    }
    const id = await create(webhook({ name: "Delivery", url: "http://127.0.0.1:9/siem" }));
    const start = (await stateOf(id)).deliveredThrough;
    const { sent, control, send } = recordingSend();
    const ids = [] as number[];
    for (let i = 0; i < 7; i += 1) ids.push(await event(`delivery ${i}`));

    control.failing = true;
    const failed = await deliverAuditStream(database.db, {
      policy,
      send,
      batchSize: 3,
      random: () => 1,
    });
    expect(failed).toMatchObject({ delivered: 0, failed: 3 });
    const afterFailure = await stateOf(id);
    expect(afterFailure).toMatchObject({
      deliveredThrough: start,
      attempts: 1,
      lastError: "connection refused",
    });
    expect(afterFailure.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 500);
    // Not due yet: nothing is sent, nothing counted.
    control.failing = false;
    expect(await deliverAuditStream(database.db, { policy, send, batchSize: 3 })).toMatchObject({
      delivered: 0,
      failed: 0,
    });
    expect(sent).toEqual([]);

    await dueNow();
    const round = await deliverAuditStream(database.db, { policy, send, batchSize: 3 });
    const expected = (
      await queryRows<{ id: number }>(
        database.db,
        sql`select id from audit_log where id > ${start} order by id`,
      )
    ).map((r) => Number(r.id));
    expect(round.delivered).toBe(expected.length);
    expect(sent.flatMap((s) => s.ids)).toEqual(expected);
    expect(sent.every((s) => s.ids.length <= 3)).toBe(true);
    expect(expected).toEqual(expect.arrayContaining(ids));
    const done = await stateOf(id);
    expect(done).toMatchObject({ deliveredThrough: expected.at(-1), attempts: 0 });
    // Every enabled destination has it all: the outbox is empty up to there.
    expect(await database.db.$count(auditOutbox, sql`entry_id <= ${done.deliveredThrough}`)).toBe(
      0,
    );
  });

  it("replays from a chosen id, audited, and refuses to skip ahead", async () => {
    const [target] = (await listStreamDestinations(database.db)).filter(
      (d) => d.name === "Delivery",
    );
    const id = target!.id;
    const through = (await stateOf(id)).deliveredThrough;
    const from = through - 3;
    const entriesBefore = await database.db.$count(auditLog);

    const ahead = await run(replayStreamDestinationOperation, admin, {
      id: String(id),
      fromId: String(through + 5),
    });
    expect(ahead).toMatchObject({ status: "error", fieldErrors: { fromId: [expect.any(String)] } });
    expect(await database.db.$count(auditLog)).toBe(entriesBefore);
    expect((await stateOf(id)).deliveredThrough).toBe(through);

    const result = await run(replayStreamDestinationOperation, admin, {
      id: String(id),
      fromId: String(from),
    });
    expect(result.status).toBe("ok");
    expect((await stateOf(id)).deliveredThrough).toBe(from - 1);
    const [entry] = await database.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    expect(entry).toMatchObject({
      action: "UPDATE",
      tableName: "audit_stream_destinations",
      recordPk: String(id),
      actorUserId: admin.id,
      before: { deliveredThrough: through },
      after: { deliveredThrough: from - 1 },
    });
    expect(entry!.message).toContain(`from entry ${from}`);

    const { sent, send } = recordingSend();
    await deliverAuditStream(database.db, { policy, send });
    // The pruned entries came back: from `from` through the replay's own entry.
    const ids = sent.flatMap((s) => s.ids);
    expect(ids[0]).toBe(from);
    expect(ids.at(-1)).toBe(entry!.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it("skips a paused destination, and catches it up on everything it missed when enabled", async () => {
    const [target] = (await listStreamDestinations(database.db)).filter(
      (d) => d.name === "Delivery",
    );
    const id = target!.id;
    const { sent, send } = recordingSend();
    await deliverAuditStream(database.db, { policy, send });
    sent.length = 0;
    expect(
      (await run(setStreamDestinationEnabledOperation, admin, { id: String(id), enabled: "false" }))
        .status,
    ).toBe("ok");
    const missed = [await event("while paused 1"), await event("while paused 2")];
    await deliverAuditStream(database.db, { policy, send });
    expect(sent).toEqual([]);
    // Nothing enabled: the outbox does not keep entries for a paused destination.
    expect(await database.db.$count(auditOutbox, sql`entry_id in ${missed}`)).toBe(0);

    expect(
      (await run(setStreamDestinationEnabledOperation, admin, { id: String(id), enabled: "true" }))
        .status,
    ).toBe("ok");
    await deliverAuditStream(database.db, { policy, send });
    expect(sent.flatMap((s) => s.ids)).toEqual(expect.arrayContaining(missed));
  });

  it("appends NDJSON to a file inside AUDIT_STREAM_FILE_DIR", async () => {
    for (const d of await listStreamDestinations(database.db)) {
      if (d.enabled)
        await run(setStreamDestinationEnabledOperation, admin, {
          id: String(d.id),
          enabled: "false",
        });
    }
    const id = await create({ name: "Shipper", kind: "file", fileName: "audit.ndjson" });
    const written = [await event("to the file 1"), await event("to the file 2")];
    await deliverAuditStream(database.db, { policy });
    const lines = readFileSync(path.join(fileDir, "audit.ndjson"), "utf8").trimEnd().split("\n");
    const entries = lines.map((l) => JSON.parse(l) as StreamEntry);
    expect(entries.map((e) => e.id)).toEqual(expect.arrayContaining(written));
    expect(entries.find((e) => e.id === written[0])).toMatchObject({
      message: "to the file 1",
      tableName: "accounts",
    });
    expect((await stateOf(id)).deliveredThrough).toBeGreaterThanOrEqual(written[1]!);
  });

  it("sends a test on request and audits it, delivered or not", async () => {
    const [shipper] = (await listStreamDestinations(database.db)).filter(
      (d) => d.name === "Shipper",
    );
    const ok = await run(sendStreamTestOperation, admin, { id: String(shipper!.id) });
    expect(ok).toMatchObject({ status: "ok", message: "Test delivered." });
    const last = readFileSync(path.join(fileDir, "audit.ndjson"), "utf8")
      .trimEnd()
      .split("\n")
      .at(-1)!;
    expect(JSON.parse(last)).toMatchObject({ id: 0, action: "SEND" });
    const [entry] = await database.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    expect(entry).toMatchObject({ action: "SEND", recordPk: String(shipper!.id) });

    const down = await create(webhook({ name: "Down", url: "http://127.0.0.1:9/none" }));
    const failed = await run(sendStreamTestOperation, admin, { id: String(down) });
    expect(failed).toMatchObject({
      status: "error",
      error: expect.stringContaining("not delivered"),
    });
    const [failure] = await database.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    expect(failure).toMatchObject({ action: "SEND", recordPk: String(down) });
    expect(failure!.message).toContain("failed");
  });
});
