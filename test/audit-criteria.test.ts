import { asc } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { AUDIT_COLUMN_KEYS } from "@/lib/visibility/audit-columns";
import { auditCriteriaCondition } from "@/lib/audit/queries/audit-criteria";
import { escapeLike } from "@/lib/search/like";
import { auditLog, type AuditAction } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit/core";
import type { ActorContext } from "@/lib/audit/actor";
import { EMPTY_CRITERIA, type AuditCriteria } from "@/lib/search/criteria";
import { parseAuditQuery } from "@/lib/search/parse-audit-query";
import { setUpTestDatabase } from "./db";

/**
 * Real entries in a real (PGlite) database, searched through the parser and the condition
 * builder: each test names exactly which entries a query must return.
 */

const database = setUpTestDatabase();

type Actor = Pick<ActorContext, "type" | "label"> & Partial<ActorContext>;
type Entry = {
  actor: Actor;
  at: string;
  action: AuditAction;
  tableName: string;
  recordPk?: string;
  accountId?: number;
  ingressId?: number;
  relatedIds?: string[];
  message: string;
};

/** Named entries; tests refer to them by name. */
const ENTRIES = {
  creditLimit: {
    actor: { type: "user", label: "Ada Admin", userId: 1, ip: "203.0.113.7" },
    at: "2026-03-07T12:00:00Z",
    action: "UPDATE",
    tableName: "accounts",
    recordPk: "1042",
    accountId: 1042,
    message: "Changed credit limit of customer Acme Telecom (1042) from 500.00 to 750.00",
  },
  portalUser: {
    actor: { type: "portal", label: "Portal", detail: "Jane Roe <jane@acme.example>" },
    at: "2026-03-08T12:00:00Z",
    action: "UPDATE",
    tableName: "users",
    recordPk: "7",
    accountId: 1042,
    relatedIds: ["user:7"],
    message: "Updated portal user Jane Roe <jane@acme.example>",
  },
  ingress: {
    actor: { type: "api", label: "Ada Admin · billing key", ip: "2001:db8::5", apiKeyId: 3 },
    at: "2026-03-09T03:00:00Z",
    action: "POST",
    tableName: "ingress_routes",
    recordPk: "55",
    accountId: 2001,
    ingressId: 55,
    message: "Created ingress route Zephyr 100% (55)",
  },
  export: {
    actor: { type: "system", label: "System" },
    at: "2026-03-10T09:00:00Z",
    action: "GENERATE",
    tableName: "cdrs",
    message: "Exported 12_500 CDRs as CSV to C:\\exports",
  },
  apiKey: {
    actor: { type: "user", label: "Bob Support", userId: 9, ip: "10.200.0.9" },
    at: "2026-03-11T09:00:00Z",
    action: "DELETE",
    tableName: "api_keys",
    recordPk: "3",
    relatedIds: ["api_key:3", "user:9"],
    message: "Deleted API key deploy (tk_ab12…)",
  },
  signIn: {
    actor: { type: "user", label: "ada admin", userId: 1, ip: "192.168.1.20" },
    at: "2026-03-12T09:00:00Z",
    action: "LOGIN",
    tableName: "users",
    recordPk: "1",
    relatedIds: ["user:1"],
    message: "Signed in from 192.168.1.20",
  },
  creditCheck: {
    actor: { type: "user", label: "Bob Support", userId: 9, ip: "10.1.2.3" },
    at: "2026-11-01T05:30:00Z", // 01:30 EDT, the first of two 01:30s in New York that night
    action: "UPDATE",
    tableName: "accounts",
    recordPk: "55",
    accountId: 55,
    message: "Limit raised after the credit check passed",
  },
  fallBack: {
    actor: { type: "system", label: "System" },
    at: "2026-11-01T06:30:00Z", // 01:30 EST, the second one
    action: "SEND",
    tableName: "email_outbox",
    recordPk: "12",
    accountId: 1042,
    message: "Sent invitation email to jane@acme.example",
  },
} satisfies Record<string, Entry>;
type Name = keyof typeof ENTRIES;

const idOf = new Map<number, Name>();

beforeAll(async () => {
  for (const [name, e] of Object.entries(ENTRIES) as [Name, Entry][]) {
    const actor: ActorContext = {
      userId: null,
      channel: "control_panel",
      ip: null,
      userAgent: "vitest",
      requestId: `req-${name}`,
      ...e.actor,
      at: new Date(e.at),
    };
    const id = await recordAuditEvent(database.db, actor, {
      action: e.action,
      tableName: e.tableName,
      recordPk: e.recordPk,
      accountId: e.accountId,
      ingressId: e.ingressId,
      relatedIds: e.relatedIds,
      message: e.message,
    });
    idOf.set(id, name);
  }
});

/** The names of the entries `criteria` selects, in insertion order. */
async function matching(criteria: AuditCriteria): Promise<Name[]> {
  const rows = await database.db
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(auditCriteriaCondition(criteria, AUDIT_COLUMN_KEYS))
    .orderBy(asc(auditLog.id));
  // Other entries (none today) would not be ours: keep to the ones this file wrote.
  return rows.flatMap((r) => (idOf.has(r.id) ? [idOf.get(r.id)!] : []));
}

/** Parses `query` as a viewer in `timeZone` and returns what it selects. */
async function search(query: string, timeZone = "UTC"): Promise<Name[]> {
  const parsed = parseAuditQuery(query, { timeZone, now: new Date("2026-03-12T12:00:00Z") });
  if (!parsed.ok) throw new Error(`"${query}" did not parse: ${parsed.error}`);
  return matching(parsed.criteria);
}

const ALL = Object.keys(ENTRIES) as Name[];

describe("auditCriteriaCondition", () => {
  it("narrows nothing for empty criteria", async () => {
    expect(auditCriteriaCondition(EMPTY_CRITERIA, AUDIT_COLUMN_KEYS)).toBeUndefined();
    expect(await matching(EMPTY_CRITERIA)).toEqual(ALL);
  });

  it("user: matches the label whole, case-insensitively, or the identity behind it", async () => {
    expect(await search("user:ada")).toEqual([]); // not a substring of the label
    expect(await search('user:"ADA ADMIN"')).toEqual(["creditLimit", "signIn"]);
    expect(await search("user:jane@acme")).toEqual(["portalUser"]); // actor_detail, substring
    expect(await search("user:portal")).toEqual(["portalUser"]);
    // LIKE metacharacters in a user value are literal, not wildcards.
    expect(await search("user:%")).toEqual([]);
    expect(await search("user:ada_admin")).toEqual([]);
    expect(await search('user:"Ada Admin · billing key"')).toEqual(["ingress"]);
    expect(await search('user:system,"bob support"')).toEqual([
      "export",
      "apiKey",
      "creditCheck",
      "fallBack",
    ]);
  });

  it("ip: compares addresses and subnets as inet", async () => {
    expect(await search("ip:10.1.2.3")).toEqual(["creditCheck"]);
    expect(await search("ip:10.0.0.0/8")).toEqual(["apiKey", "creditCheck"]);
    expect(await search("ip:10.200.1.1/16")).toEqual(["apiKey"]); // normalised to 10.200.0.0/16
    expect(await search("ip:::ffff:203.0.113.7")).toEqual(["creditLimit"]);
    expect(await search("ip:2001:db8::/32,192.168.1.20")).toEqual(["ingress", "signIn"]);
    expect(await search("ip:10.1.2.30")).toEqual([]); // no text prefix matching
  });

  it("action:, table:, pk:, account:, ingress: use equality on their columns", async () => {
    expect(await search("action:update")).toEqual(["creditLimit", "portalUser", "creditCheck"]);
    expect(await search("action:login,send")).toEqual(["signIn", "fallBack"]);
    expect(await search("table:users")).toEqual(["portalUser", "signIn"]);
    expect(await search("table:accounts action:update")).toEqual(["creditLimit", "creditCheck"]);
    expect(await search("pk:55")).toEqual(["ingress", "creditCheck"]);
    expect(await search("pk:5")).toEqual([]);
    expect(await search("account:1042")).toEqual(["creditLimit", "portalUser", "fallBack"]);
    expect(await search("account:1042 account:55")).toEqual([
      "creditLimit",
      "portalUser",
      "creditCheck",
      "fallBack",
    ]);
    expect(await search("ingress:55")).toEqual(["ingress"]);
  });

  it("after: is inclusive, before: exclusive, both in the viewer's zone", async () => {
    expect(await search("after:2026-03-09T03:00 before:2026-03-11T09:00")).toEqual([
      "ingress",
      "export",
    ]);
    // 8 March 2026 is New York's spring-forward day: it runs 05:00Z–04:00Z, 23 hours, so the
    // entry at 2026-03-09T03:00Z (23:00 EDT) is still on it.
    expect(await search("after:2026-03-08 before:2026-03-09", "America/New_York")).toEqual([
      "portalUser",
      "ingress",
    ]);
    expect(await search("after:2026-03-08 before:2026-03-09")).toEqual(["portalUser"]);
    // The two 01:30s of New York's fall-back night: the wall time means the first.
    expect(await search("after:2026-11-01T01:30", "America/New_York")).toEqual([
      "creditCheck",
      "fallBack",
    ]);
    expect(await search("after:2026-11-01T01:30-05:00", "America/New_York")).toEqual(["fallBack"]);
    // Relative to "now" (2026-03-12T12:00Z in these tests).
    expect(await search("after:-2d before:2026-03-12")).toEqual(["apiKey"]);
  });

  it("free text matches the message, case-insensitively, every word somewhere", async () => {
    expect(await search("CREDIT")).toEqual(["creditLimit", "creditCheck"]);
    expect(await search("credit limit")).toEqual(["creditLimit", "creditCheck"]);
    expect(await search('"credit limit"')).toEqual(["creditLimit"]); // the phrase, in order
    expect(await search("credit jane")).toEqual([]);
  });

  it("free text matches the user label, table, pk and related ids", async () => {
    expect(await search("bob")).toEqual(["apiKey", "creditCheck"]); // actor label substring
    expect(await search("EMAIL_OUTBOX")).toEqual(["fallBack"]); // table name
    expect(await search('"user:7"')).toEqual(["portalUser"]); // related id (quoted: user: is ours)
    expect(await search("api_key:3")).toEqual(["apiKey"]); // not a qualifier, so a plain word
    expect(await search('"user:9"')).toEqual(["apiKey"]);
  });

  it("treats % _ and \\ literally", async () => {
    expect(escapeLike("100%_\\x")).toBe("100\\%\\_\\\\x");
    expect(await search("100%")).toEqual(["ingress"]);
    expect(await search("%")).toEqual(["ingress"]); // not "anything"
    expect(await search("12_500")).toEqual(["export"]);
    expect(await search("_")).toEqual(["export", "apiKey"]); // "12_500", "tk_ab12"
    expect(await search("c:\\exports")).toEqual(["export"]);
    expect(await search("\\")).toEqual(["export"]);
    expect(await search("'; drop table audit_log; --")).toEqual([]);
  });

  it("a word that is an IP or CIDR also searches the ip column", async () => {
    expect(await search("203.0.113.7")).toEqual(["creditLimit"]); // only in the ip column
    expect(await search("192.168.1.20")).toEqual(["signIn"]); // ip and message
    expect(await search("10.0.0.0/8")).toEqual(["apiKey", "creditCheck"]);
    expect(await search("2001:db8::5")).toEqual(["ingress"]);
  });

  it("a number also searches account and ingress ids (and pk)", async () => {
    expect(await search("2001")).toEqual(["ingress"]); // account id only
    expect(await search("55")).toEqual(["ingress", "creditCheck"]); // ingress/pk/account/message
    expect(await search("1042")).toEqual(["creditLimit", "portalUser", "fallBack"]);
    expect(await search("12")).toEqual(["export", "apiKey", "fallBack"]); // message ×2, pk
  });

  it("combines qualifiers and text with AND", async () => {
    expect(await search("account:1042 jane")).toEqual(["portalUser", "fallBack"]);
    expect(await search("account:1042 jane action:update")).toEqual(["portalUser"]);
    expect(await search("user:system 12_500")).toEqual(["export"]);
  });

  it("refuses criteria with an IP that is not one (a bug in whoever built them)", () => {
    expect(() =>
      auditCriteriaCondition({ ...EMPTY_CRITERIA, ips: ["not-an-ip"] }, AUDIT_COLUMN_KEYS),
    ).toThrow(/not an IP address/);
  });

  it("accepts criteria built without the parser", async () => {
    const criteria: AuditCriteria = {
      ...EMPTY_CRITERIA,
      actions: ["UPDATE"],
      tables: ["accounts", "users"],
      after: new Date("2026-03-08T00:00:00Z"),
    };
    expect(await matching(criteria)).toEqual(["portalUser", "creditCheck"]);
  });
});
