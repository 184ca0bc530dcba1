/**
 * The REST API rows of the authorization matrix, run in-process through the API's own door
 * (`serveEndpoint`): each row's method and path, as each audience — a read-and-write key owned by
 * a user of that role, or no key at all for `anonymous`. Reads must answer 200; changes must get
 * past authorization to the operation's own checks (`{}` is refused as invalid, 422; a DELETE of a
 * fresh record succeeds). A refusal must leave every table as it was, but for the API's own
 * bookkeeping (rate-limit counters, key usage, idempotency claims).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { portalBranding, type users } from "@/db/schema";
import { type Endpoint } from "@/lib/api/endpoint";
import { ENDPOINTS } from "@/lib/api/v1";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { createIngressRoute } from "@/lib/ingress/create-ingress-route";
import { callApi, keyFor } from "../api-support";
import { setUpTestDatabase } from "../db";
import { insertTestAccount, insertTestUser } from "../factories";
import { insertTestPortalUser } from "../portal-support";
import {
  API_ROWS,
  AUDIENCES,
  KNOWN_BUGS,
  SAMPLE_URLS,
  SCOPED_CASES,
  isRefusal,
  type Audience,
  type Outcome,
} from "./matrix";

const database = setUpTestDatabase();
const db = () => database.db;

type Fixtures = {
  customerAccount: number;
  carrierAccount: number;
  foreignAccount: number;
  ingress: number;
  member: number;
  carrierUser: number;
  foreignUser: number;
  keys: Partial<Record<Audience, string>>;
};
let fx: Fixtures;

const freshIngress = async (accountId: number) =>
  (
    await createIngressRoute(db(), systemActor("test"), {
      accountId,
      name: `Trunk ${Math.random().toString(36).slice(2, 8)}`,
      techPrefix: "",
      allowedIps: [],
      channels: 0,
      cps: 0,
      maxDurationS: 3600,
      status: "active",
      notes: null,
    })
  ).id;

beforeAll(async () => {
  // The bootstrap seed creates the branding draft in a real database; an empty one needs it too.
  await auditedMutation(db(), systemActor("test"), {
    table: "portal_branding",
    action: "CREATE",
    change: async (tx) => {
      await tx.insert(portalBranding).values({ id: 1 });
      return 1;
    },
  });
  const customer = await insertTestAccount(db(), "customer");
  const carrier = await insertTestAccount(db(), "carrier");
  const foreign = await insertTestAccount(db(), "customer");
  const owners: Record<Exclude<Audience, "anonymous">, typeof users.$inferSelect> = {
    admin: await insertTestUser(db(), { role: "admin" }),
    support: await insertTestUser(db(), { role: "support" }),
    auditor: await insertTestUser(db(), { role: "auditor" }),
    branding: await insertTestUser(db(), { role: "branding" }),
    customer: await insertTestPortalUser(db(), customer, { admin: true }),
    carrier: await insertTestPortalUser(db(), carrier, { admin: true }),
    member: await insertTestPortalUser(db(), customer),
  };
  const keys: Fixtures["keys"] = {};
  for (const [audience, owner] of Object.entries(owners)) {
    keys[audience as Audience] = await keyFor(db(), owner, "read_write", `${audience} key`);
  }
  fx = {
    customerAccount: customer.id,
    carrierAccount: carrier.id,
    foreignAccount: foreign.id,
    ingress: await freshIngress(customer.id),
    member: owners.member.id,
    carrierUser: owners.carrier.id,
    foreignUser: (await insertTestPortalUser(db(), foreign)).id,
    keys,
  };
});

const PORTAL: readonly Audience[] = ["customer", "carrier", "member"];

/** The latest entry about `accountId`: one every viewer of that account may open. */
async function entryOf(accountId: number): Promise<number> {
  const { rows } = await database.client.query<{ id: number }>(
    "select id::int from audit_log where account_id = $1 order by id desc limit 1",
    [accountId],
  );
  return rows[0]!.id;
}

async function fill(sample: string, audience: Audience): Promise<string> {
  const ownAccount = audience === "carrier" ? fx.carrierAccount : fx.customerAccount;
  const values: Record<string, () => Promise<number>> = {
    ownAccount: async () => ownAccount,
    foreignAccount: async () => fx.foreignAccount,
    freshAccount: async () => (await insertTestAccount(db(), "customer")).id,
    ownIngress: async () => fx.ingress,
    freshIngress: () => freshIngress(fx.customerAccount),
    ownUser: async () => (audience === "carrier" ? fx.carrierUser : fx.member),
    foreignUser: async () => fx.foreignUser,
    ownEntry: () => entryOf(ownAccount),
    foreignEntry: () => entryOf(fx.foreignAccount),
  };
  let url = sample;
  for (const [name] of sample.matchAll(/\{(\w+)\}/g)) {
    const value = values[name.slice(1, -1)];
    if (!value) throw new Error(`no value for ${name} in ${sample}`);
    url = url.replace(name, String(await value()));
  }
  return url;
}

const routeOf = (e: Endpoint) => `${e.method} /api/v1${e.path.replace(/\{(\w+)\}/g, "[$1]")}`;

/** The endpoint of a row and the path parameters a URL gives it. */
function endpointFor(key: string, url: string) {
  const endpoint = ENDPOINTS.find((e) => routeOf(e) === key);
  if (!endpoint) throw new Error(`no endpoint for ${key}`);
  const names = [...endpoint.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const pattern = new RegExp(`^/api/v1${endpoint.path.replace(/\{\w+\}/g, "([^/?]+)")}(?:\\?|$)`);
  const match = pattern.exec(url);
  if (!match) throw new Error(`${url} does not match ${endpoint.path}`);
  return { endpoint, params: Object.fromEntries(names.map((n, i) => [n, match[i + 1]!])) };
}

// The API's own bookkeeping changes on every request, refused or not: not part of "nothing".
const BOOKKEEPING = new Set(["api_rate_limits", "api_key_usage", "api_idempotency"]);

async function checksum(): Promise<Record<string, string>> {
  const { rows: tables } = await database.client.query<{ name: string }>(
    `select table_name as name from information_schema.tables
     where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    if (BOOKKEEPING.has(name)) continue;
    const { rows } = await database.client.query<{ n: number; h: string }>(
      `select count(*)::int as n, md5(coalesce(string_agg(t::text, ',' order by t::text), '')) as h
       from "${name}" t`,
    );
    out[name] = `${rows[0]!.n}:${rows[0]!.h}`;
  }
  return out;
}

function outcomeOf(method: string, status: number): Outcome | `status ${number}` {
  if (status === 401) return "401";
  if (status === 403) return "403";
  if (status === 404) return "404";
  if (method === "GET") return status === 200 ? "ok" : `status ${status}`;
  // Past authorization: done, or refused by the operation's own validation or state checks.
  return (status >= 200 && status < 300) || [409, 412, 422].includes(status)
    ? "ok"
    : `status ${status}`;
}

async function request(key: string, audience: Audience, url: string) {
  const { endpoint, params } = endpointFor(key, url);
  const write = endpoint.method !== "GET";
  const res = await callApi(db(), endpoint, {
    key: audience === "anonymous" ? null : fx.keys[audience]!,
    path: url.replace(/^\/api\/v1/, ""),
    params,
    body: write && endpoint.method !== "DELETE" ? {} : undefined,
    headers: endpoint.needsIfMatch ? { "if-match": '"v1"' } : undefined,
  });
  return { status: res.status, outcome: outcomeOf(endpoint.method, res.status) };
}

async function expectOutcome(key: string, audience: Audience, sample: string, expected: Outcome) {
  const bug = KNOWN_BUGS.find((b) => b.key === key && b.audience === audience);
  const url = await fill(sample, audience);
  const before = isRefusal(expected) ? await checksum() : null;
  const { outcome } = await request(key, audience, url);
  expect(outcome, `${key} as ${audience}`).toBe(bug ? bug.actual : expected);
  if (before) expect(await checksum(), `${key} as ${audience} changed data`).toEqual(before);
}

describe("the REST API as each audience (authorization matrix)", () => {
  for (const row of API_ROWS) {
    const [, route] = row.key.split(" ");
    const sample = SAMPLE_URLS[row.key] ?? route!;
    it.each(AUDIENCES.map((a) => [a, row.expect[a]] as const))(
      `${row.key} as %s → %s`,
      async (audience, expected) => {
        await expectOutcome(row.key, audience, sample, expected);
      },
    );
  }
});

describe("the REST API with another account's records", () => {
  const cases = SCOPED_CASES.filter((c) => c.key.includes(" /api/v1/"));
  it("has a case for every portal-readable record route", () => {
    expect(cases.map((c) => c.key).sort()).toEqual([
      "GET /api/v1/accounts/[id]",
      "GET /api/v1/audit-log/[id]",
      "GET /api/v1/users/[id]",
    ]);
  });
  for (const c of cases) {
    it.each(Object.entries(c.expect))(`${c.id} as %s → %s`, async (audience, expected) => {
      expect(PORTAL).toContain(audience);
      await expectOutcome(c.key, audience as Audience, c.sample!, expected);
    });
  }
});
