import { eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { accounts, apiKeys, apiKeyUsage, auditLog, type users } from "@/db/schema";
import { noteApiKeyUse } from "@/lib/api-keys/usage";
import { parseIfMatch } from "@/lib/api/etag";
import { withIdempotency } from "@/lib/api/idempotency";
import { accountEndpoints } from "@/lib/api/v1/accounts";
import { revokeApiKeyOperation } from "@/lib/api-keys/keys";
import { setUpTestDatabase } from "./db";
import { insertTestAccount, insertTestUser } from "./factories";
import { callApi, keyFor } from "./api-support";
import { asCurrent, runAs } from "./run-action";

const database = setUpTestDatabase();
const db = () => database.db;

let admin: typeof users.$inferSelect;
let adminKey: string;
let readKey: string;

beforeAll(async () => {
  admin = await insertTestUser(db(), { role: "admin" });
  adminKey = await keyFor(db(), admin, "read_write", "Provisioning");
  readKey = await keyFor(db(), admin, "read", "Reporting");
});

afterEach(() => {
  delete process.env.API_RATE_LIMIT_PER_MINUTE;
});

const counts = async () => ({
  accounts: await db().$count(accounts),
  entries: await db().$count(auditLog),
});

const problemOf = async (res: Response) => {
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = (await res.json()) as { status: number; title: string; detail: string };
  expect(body.status).toBe(res.status);
  return body;
};

const newAccount = (name: string) => ({
  type: "customer",
  name,
  currency: "usd",
  creditLimit: 500,
  channels: 30,
  cps: 5,
});

describe("authentication", () => {
  it.each([
    ["no key", null],
    ["a malformed key", "not-a-key"],
    ["an unknown key", "tl_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
  ])("refuses %s with 401 and a Bearer challenge", async (_, key) => {
    const res = await callApi(db(), accountEndpoints.list, { key });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await problemOf(res)).title).toBe("Unauthorized");
  });

  it("refuses a revoked key and a key whose owner is disabled", async () => {
    const key = await keyFor(db(), admin, "read_write", "Soon revoked");
    expect((await callApi(db(), accountEndpoints.list, { key })).status).toBe(200);
    const prefix = key.split("_").slice(0, 2).join("_");
    const [row] = await db().query.apiKeys.findMany({ where: (k, { eq }) => eq(k.prefix, prefix) });
    await runAs(db(), revokeApiKeyOperation, asCurrent(admin), { id: row!.id });
    expect((await callApi(db(), accountEndpoints.list, { key })).status).toBe(401);

    const gone = await insertTestUser(db(), { role: "admin", status: "disabled" });
    const goneKey = await keyFor(db(), gone);
    expect((await callApi(db(), accountEndpoints.list, { key: goneKey })).status).toBe(401);
  });

  it("refuses writes with a read key (403) and changes nothing", async () => {
    const before = await counts();
    const res = await callApi(db(), accountEndpoints.create, {
      key: readKey,
      body: newAccount("Read Only Ltd"),
    });
    expect(res.status).toBe(403);
    await problemOf(res);
    expect(await counts()).toEqual(before);
  });

  it("lets a key do only what its owner's role may", async () => {
    const branding = await insertTestUser(db(), { role: "branding" });
    const key = await keyFor(db(), branding);
    const before = await counts();
    const res = await callApi(db(), accountEndpoints.create, { key, body: newAccount("Nope Ltd") });
    expect(res.status).toBe(403);
    expect((await callApi(db(), accountEndpoints.list, { key })).status).toBe(403);
    expect(await counts()).toEqual(before);
  });
});

describe("changes", () => {
  it("POST creates with one POST entry: actor api, 'owner · key', key id, request id", async () => {
    const res = await callApi(db(), accountEndpoints.create, {
      key: adminKey,
      body: newAccount("Api Telecom"),
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: number; version: number; currency: string };
    expect(body.currency).toBe("USD");
    expect(res.headers.get("location")).toBe(`/api/v1/accounts/${body.id}`);
    expect(res.headers.get("etag")).toBe(`"v${body.version}"`);
    const entries = await db()
      .select()
      .from(auditLog)
      .where(eq(auditLog.recordPk, String(body.id)));
    const mine = entries.filter((e) => e.tableName === "accounts");
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      action: "POST",
      actorType: "api",
      channel: "api",
      actorUserId: admin.id,
      actorLabel: `${admin.name} · Provisioning`,
      requestId: res.headers.get("x-request-id"),
    });
    expect(mine[0]!.apiKeyId).not.toBeNull();
  });

  it("PUT needs If-Match (428), refuses a stale one (412), and saves with the current one", async () => {
    const account = await insertTestAccount(db());
    const call = (headers: Record<string, string>, name: string) =>
      callApi(db(), accountEndpoints.update, {
        key: adminKey,
        params: { id: String(account.id) },
        headers,
        body: { name, creditLimit: 10, channels: 5, cps: 1 },
      });
    const before = await counts();
    const missing = await call({}, "Renamed");
    expect(missing.status).toBe(428);
    await problemOf(missing);
    const stale = await call({ "if-match": `"v${account.version + 1}"` }, "Renamed");
    expect(stale.status).toBe(412);
    await problemOf(stale);
    expect((await call({ "if-match": "*" }, "Renamed")).status).toBe(412);
    expect(await counts()).toEqual(before);

    const ok = await call({ "if-match": `"v${account.version}"` }, "Renamed Telecom");
    expect(ok.status).toBe(200);
    expect(ok.headers.get("etag")).toBe(`"v${account.version + 1}"`);
    const [entry] = await db()
      .select()
      .from(auditLog)
      .where(eq(auditLog.requestId, ok.headers.get("x-request-id")!));
    expect(entry).toMatchObject({ action: "PUT", tableName: "accounts" });
  });

  it("invalid bodies: 422 with field errors, 415, 400 and 413, nothing written", async () => {
    const before = await counts();
    const invalid = await callApi(db(), accountEndpoints.create, {
      key: adminKey,
      body: { type: "reseller", name: "", currency: "dollars", creditLimit: "abc" },
    });
    expect(invalid.status).toBe(422);
    const problem = (await invalid.json()) as { errors: Record<string, string[]> };
    expect(Object.keys(problem.errors).sort()).toEqual([
      "channels",
      "cps",
      "creditLimit",
      "currency",
      "name",
      "type",
    ]);

    const text = await callApi(db(), accountEndpoints.create, {
      key: adminKey,
      body: "name=x",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(text.status).toBe(415);
    const broken = await callApi(db(), accountEndpoints.create, { key: adminKey, body: "{" });
    expect(broken.status).toBe(400);
    const array = await callApi(db(), accountEndpoints.create, { key: adminKey, body: "[]" });
    expect(array.status).toBe(400);
    const huge = await callApi(db(), accountEndpoints.create, {
      key: adminKey,
      body: { ...newAccount("Huge"), notesPublic: "x".repeat(1_100_000) },
    });
    expect(huge.status).toBe(413);
    expect(await counts()).toEqual(before);
  });

  it("a repeated POST with the same Idempotency-Key makes one account and one entry", async () => {
    const send = (name: string) =>
      callApi(db(), accountEndpoints.create, {
        key: adminKey,
        body: newAccount(name),
        headers: { "idempotency-key": "order-7781" },
      });
    const before = await counts();
    const first = await send("Once Telecom");
    const again = await send("Once Telecom");
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(await first.json());
    expect(again.headers.get("x-request-id")).not.toBe(first.headers.get("x-request-id"));
    expect(await counts()).toEqual({
      accounts: before.accounts + 1,
      entries: before.entries + 1,
    });
    const other = await send("Twice Telecom");
    expect(other.status).toBe(422);
    expect(await counts()).toEqual({
      accounts: before.accounts + 1,
      entries: before.entries + 1,
    });
  });

  it("DELETE writes a DELETE entry and answers 204; a second DELETE is 404", async () => {
    const account = await insertTestAccount(db());
    const params = { id: String(account.id) };
    const res = await callApi(db(), accountEndpoints.delete, { key: adminKey, params });
    expect(res.status).toBe(204);
    const [entry] = await db()
      .select()
      .from(auditLog)
      .where(eq(auditLog.requestId, res.headers.get("x-request-id")!));
    expect(entry).toMatchObject({ action: "DELETE", actorType: "api" });
    const again = await callApi(db(), accountEndpoints.delete, { key: adminKey, params });
    expect(again.status).toBe(404);
  });
});

describe("reads", () => {
  it("a portal key sees its own account and gets 404 for another's", async () => {
    const own = await insertTestAccount(db());
    const other = await insertTestAccount(db());
    const portal = await insertTestUser(db(), { role: "customer", accountId: own.id });
    const key = await keyFor(db(), portal, "read");
    const mine = await callApi(db(), accountEndpoints.get, { key, params: { id: String(own.id) } });
    expect(mine.status).toBe(200);
    const body = (await mine.json()) as Record<string, unknown>;
    expect(body).not.toHaveProperty("notesPrivate");
    const theirs = await callApi(db(), accountEndpoints.get, {
      key,
      params: { id: String(other.id) },
    });
    expect(theirs.status).toBe(404);
    const list = (await (await callApi(db(), accountEndpoints.list, { key })).json()) as {
      data: { id: number }[];
    };
    expect(list.data.map((a) => a.id)).toEqual([own.id]);
  });

  it("a path id that is not a number names nothing (404)", async () => {
    const res = await callApi(db(), accountEndpoints.get, { key: adminKey, params: { id: "abc" } });
    expect(res.status).toBe(404);
  });

  it("counts requests per key in the database and answers 429 with Retry-After", async () => {
    process.env.API_RATE_LIMIT_PER_MINUTE = "3";
    const key = await keyFor(db(), admin, "read", "Busy");
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await callApi(db(), accountEndpoints.list, { key })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await callApi(db(), accountEndpoints.list, { key });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    await problemOf(limited);
    // Another key has its own budget.
    expect((await callApi(db(), accountEndpoints.list, { key: readKey })).status).toBe(200);
  });
});

describe("key usage", () => {
  it("records last use and IP outside the audited row, at most once a minute per key", async () => {
    const key = await keyFor(db(), admin, "read", "Usage");
    const prefix = key.split("_").slice(0, 2).join("_");
    const [row] = await db().select().from(apiKeys).where(eq(apiKeys.prefix, prefix));
    const entries = await db().$count(auditLog);
    const t0 = Date.now() + 3_600_000; // a minute of its own, apart from other tests' calls
    await noteApiKeyUse(db(), row!.id, "203.0.113.9", t0);
    await noteApiKeyUse(db(), row!.id, "203.0.113.10", t0 + 30_000);
    const usage = async () =>
      (await db().select().from(apiKeyUsage).where(eq(apiKeyUsage.keyId, row!.id)))[0];
    expect(await usage()).toMatchObject({ lastIp: "203.0.113.9", lastUsedAt: new Date(t0) });
    await noteApiKeyUse(db(), row!.id, "203.0.113.11", t0 + 61_000);
    expect(await usage()).toMatchObject({
      lastIp: "203.0.113.11",
      lastUsedAt: new Date(t0 + 61_000),
    });
    // Using a key is not a change: no entry, and the key's audited row is untouched.
    expect(await db().$count(auditLog)).toBe(entries);
    const [after] = await db().select().from(apiKeys).where(eq(apiKeys.id, row!.id));
    expect(after).toEqual(row);
  });
});

describe("If-Match", () => {
  it.each([
    [null, { kind: "missing" }],
    ["", { kind: "missing" }],
    ['"v3"', { kind: "version", version: 3 }],
    [' "v12" ', { kind: "version", version: 12 }],
    ['W/"v3"', { kind: "invalid" }],
    ["*", { kind: "invalid" }],
    ['"v0"', { kind: "invalid" }],
    ['"3"', { kind: "invalid" }],
    ['"v99999999999"', { kind: "invalid" }],
  ])("parses %j", (header, expected) => {
    expect(parseIfMatch(header)).toEqual(expected);
  });
});

describe("Idempotency-Key", () => {
  it("answers 409 while the first request runs, and frees the key when it fails", async () => {
    const keyId = (await db().select().from(apiKeys).limit(1))[0]!.id;
    let release!: () => void;
    const running = new Promise<void>((resolve) => (release = resolve));
    const first = withIdempotency(db(), keyId, "slow-1", "POST /x h", async () => {
      await running;
      return new Response("{}", { status: 201 });
    });
    await new Promise((r) => setTimeout(r, 20));
    const second = await withIdempotency(db(), keyId, "slow-1", "POST /x h", async () => {
      throw new Error("must not run");
    });
    expect(second.status).toBe(409);
    release();
    expect((await first).status).toBe(201);

    const failed = await withIdempotency(db(), keyId, "fails-1", "POST /x h", async () =>
      Response.json({}, { status: 503 }),
    );
    expect(failed.status).toBe(503);
    const retried = await withIdempotency(db(), keyId, "fails-1", "POST /x h", async () =>
      Response.json({ ok: true }, { status: 201 }),
    );
    expect(retried.status).toBe(201);
    expect(
      await withIdempotency(db(), keyId, "bad key with spaces", "POST /x h", async () => {
        throw new Error("must not run");
      }),
    ).toHaveProperty("status", 400);
  });
});
