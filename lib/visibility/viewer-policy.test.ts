// The viewer policy's decisions that need no database: what a policy holds, which searches and
// sorts it lets through, what it names, and what masking and redaction leave of an entry.
import { PgDialect } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { REDACTED, REDACTED_CHANGED, redactPair } from "@/lib/audit/redact";
import type { DbOrTx } from "@/db/client";
import { parseAuditPageParams } from "@/lib/search/audit-page-params";
import { AUDIT_COLUMN_KEYS, defaultAuditColumns, isAuditColumnKey } from "./audit-columns";
import { HIDDEN, maskAuditData } from "./audit-data";
import {
  AUDIT_NARROWING_NAMES,
  auditQueryFor,
  auditViewerPolicy,
  type AuditViewerPolicy,
} from "./viewer-policy";

// Given the viewer's columns, the policy reads nothing: a database it touched would throw.
const noDb = new Proxy({} as DbOrTx, {
  get() {
    throw new Error("the policy read the database");
  },
});
const everything = { allowed: AUDIT_COLUMN_KEYS, visible: AUDIT_COLUMN_KEYS };

const policyOf = (fields: Partial<AuditViewerPolicy> = {}): AuditViewerPolicy => ({
  viewer: { id: 1, role: "admin", timeZone: "UTC" },
  audience: "staff",
  scope: { kind: "all" },
  allowed: AUDIT_COLUMN_KEYS,
  visible: AUDIT_COLUMN_KEYS,
  tableOptions: [],
  canExport: true,
  ...fields,
});
const query = (policy: AuditViewerPolicy, raw: Record<string, string>) =>
  auditQueryFor(policy, parseAuditPageParams(raw));

describe("auditViewerPolicy", () => {
  it("builds a staff policy from the viewer and the columns given, without reading", async () => {
    const policy = await auditViewerPolicy(
      noDb,
      { id: 7, role: "admin", timeZone: "Europe/Paris", accountId: null },
      everything,
    );
    expect(policy).toMatchObject({
      viewer: { id: 7, role: "admin", timeZone: "Europe/Paris" },
      audience: "staff",
      scope: { kind: "all" },
      allowed: AUDIT_COLUMN_KEYS,
      canExport: true,
    });
    expect(policy?.tableOptions.length).toBeGreaterThan(5);
  });

  it("keeps a portal viewer to their account, and the branding role to its tables", async () => {
    const portal = await auditViewerPolicy(
      noDb,
      { id: 8, role: "customer", timeZone: "UTC", accountId: 42 },
      everything,
    );
    expect(portal).toMatchObject({ audience: "portal", scope: { kind: "account", accountId: 42 } });
    const branding = await auditViewerPolicy(
      noDb,
      { id: 9, role: "branding", timeZone: "UTC", accountId: null },
      everything,
    );
    expect(branding?.scope.kind).toBe("tables");
    expect(branding?.tableOptions).toEqual(
      branding?.scope.kind === "tables" ? branding.scope.tables : null,
    );
  });

  it("gives no policy to a portal user without an account", async () => {
    expect(
      await auditViewerPolicy(
        noDb,
        { id: 10, role: "customer", timeZone: "UTC", accountId: null },
        everything,
      ),
    ).toBeNull();
  });
});

describe("auditQueryFor", () => {
  it("names every kind of narrowing, by name only, in one order", () => {
    const q = [
      "word",
      "user:ada",
      "ip:192.0.2.1",
      "action:create",
      "table:accounts",
      "pk:5",
      "account:3",
      "ingress:4",
      "comment:why",
      "after:2026-01-01",
      "before:2026-02-01",
    ].join(" ");
    const result = query(policyOf(), { q });
    expect(result.searchError).toBeNull();
    const names = [
      "text",
      "User",
      "IP",
      "Action",
      "Table",
      "Primary Key",
      "account",
      "ingress",
      "Comment",
      "after",
      "before",
    ];
    expect(result.narrowedBy).toEqual(names);
    expect(AUDIT_NARROWING_NAMES).toEqual(names);
    expect(JSON.stringify(result.narrowedBy)).not.toMatch(/ada|192\.0\.2\.1|why/);
  });

  it("refuses a search or filter on a column the viewer may not use, naming the column only", () => {
    const cases: [string, string, string][] = [
      ["user", "user:ada", "User"],
      ["ip", "ip:192.0.2.1", "IP"],
      ["action", "action:create", "Action"],
      ["tableName", "table:accounts", "Table"],
      ["recordPk", "pk:5", "Primary Key"],
      ["message", "comment:why", "Message"],
      ["occurredAt", "before:2026-01-01", "Date / Time"],
    ];
    for (const [column, q, header] of cases) {
      const policy = policyOf({ allowed: AUDIT_COLUMN_KEYS.filter((k) => k !== column) });
      const result = query(policy, { q });
      expect(result.searchError).toBe(`${header} is not among your columns.`);
      expect(result.narrowedBy).toEqual([]);
      expect(result.where).toBeUndefined();
    }
    const filtered = query(policyOf({ allowed: ["message"] }), { user: "ada" });
    expect(filtered.filterError).toBe("User is not among your columns.");
  });

  it("lets account:, ingress: and free text through whatever the columns", () => {
    const result = query(policyOf({ allowed: ["message"] }), { q: "account:3 ingress:4 word" });
    expect(result.searchError).toBeNull();
    expect(result.narrowedBy).toEqual(["text", "account", "ingress"]);
  });

  it("reports a malformed search with nothing applied from it", () => {
    const result = query(policyOf(), { q: '"unclosed' });
    expect(result.searchError).toMatch(/^Missing closing quote/);
    expect(result.narrowedBy).toEqual([]);
    expect(result.where).toBeUndefined();
  });

  it("reads dates as wall-clock times in the viewer's zone", () => {
    const result = query(
      policyOf({ viewer: { id: 1, role: "admin", timeZone: "Pacific/Auckland" } }),
      {
        q: "after:2026-01-01",
      },
    );
    const { params } = new PgDialect().sqlToQuery(result.where!);
    expect(params.map(String)).toContain(new Date("2025-12-31T11:00:00Z").toISOString());
  });

  it("sorts by an allowed column, by time always, and falls back from a hidden one", () => {
    const policy = policyOf({ allowed: ["message", "action"] });
    expect(query(policy, { sort: "action", dir: "desc" }).sort).toEqual({
      key: "action",
      dir: "desc",
    });
    expect(
      query(policyOf({ allowed: ["message"] }), { sort: "occurredAt", dir: "asc" }).sort,
    ).toEqual({ key: "occurredAt", dir: "asc" });
    expect(query(policy, { sort: "user", dir: "asc" }).sort).toEqual({
      key: "occurredAt",
      dir: "desc",
    });
  });
});

describe("audit columns", () => {
  it("allows every column to admins and auditors, and the IP to no other role by default", () => {
    expect(defaultAuditColumns("admin")).toEqual(AUDIT_COLUMN_KEYS);
    expect(defaultAuditColumns("auditor")).toEqual(AUDIT_COLUMN_KEYS);
    for (const role of ["support", "branding", "customer", "carrier"] as const) {
      expect(defaultAuditColumns(role)).toEqual(AUDIT_COLUMN_KEYS.filter((k) => k !== "ip"));
    }
  });

  it("knows its column keys", () => {
    expect(isAuditColumnKey("ip")).toBe(true);
    expect(isAuditColumnKey("password")).toBe(false);
  });
});

describe("masking and redaction", () => {
  it("hides a role's masked fields that are present, adds none, and leaves other tables", () => {
    const data = { name: "Acme", notesPrivate: "owes us", balance: "10.00" };
    expect(maskAuditData("accounts", data, "carrier")).toEqual({
      name: "Acme",
      notesPrivate: "[hidden]",
      balance: "[hidden]",
    });
    expect(HIDDEN).toBe("[hidden]");
    expect(maskAuditData("accounts", { name: "Acme" }, "carrier")).toEqual({ name: "Acme" });
    expect(maskAuditData("accounts", data, "admin")).toEqual(data);
    expect(maskAuditData("no_such_table", data, "carrier")).toEqual(data);
    expect(maskAuditData("accounts", null, "carrier")).toBeNull();
  });

  it("marks a secret set on creation as redacted, not changed", () => {
    const { before, after } = redactPair(null, { password: "s3cret" }, ["password"]);
    expect(before).toBeNull();
    expect(after).toEqual({ password: "[redacted]" });
    expect(REDACTED).toBe("[redacted]");
    const changed = redactPair({ password: "a" }, { password: "b" }, ["password"]);
    expect(changed.after).toEqual({ password: "[redacted: changed]" });
    expect(REDACTED_CHANGED).toBe("[redacted: changed]");
  });
});
