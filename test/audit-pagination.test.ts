import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import {
  AUDIT_SORT_KEYS,
  countAuditEntries,
  decodeCursor,
  encodeCursor,
  findAuditPage,
  type AuditSort,
} from "@/lib/audit/queries/audit-log";
import { auditLog, AUDIT_ACTIONS } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit/core";
import { AUDIT_COLUMNS } from "@/lib/visibility/audit-columns";
import { setUpTestDatabase } from "./db";

const database = setUpTestDatabase();
const ALL_COLUMNS = AUDIT_COLUMNS.map((c) => c.key);

// 47 entries with many ties (same second, same user, null IPs and pks) to stress the keyset.
beforeAll(async () => {
  const base = Date.parse("2026-11-01T10:00:00Z");
  for (let i = 0; i < 47; i++) {
    await recordAuditEvent(
      database.db,
      {
        type: "user",
        userId: 1,
        label: ["Ada", "Bob", "Cy"][i % 3]!,
        channel: "control_panel",
        ip: i % 4 === 0 ? null : `203.0.113.${i % 7}`,
        userAgent: null,
        requestId: `r${i}`,
        at: new Date(base + Math.floor(i / 5) * 1000),
      },
      {
        action: AUDIT_ACTIONS[i % AUDIT_ACTIONS.length]!,
        tableName: ["accounts", "users", "ingress_routes"][i % 3]!,
        recordPk: i % 6 === 0 ? null : String(i % 9),
        message: `Entry ${String.fromCharCode(65 + (i % 5))}`,
      },
    );
  }
});

/** The same order computed without keyset, as the reference. */
async function referenceOrder(sort: AuditSort): Promise<number[]> {
  const lead: Record<string, string> = {
    user: "actor_label",
    ip: "ip",
    recordPk: "record_pk",
    action: "action::text",
    tableName: "table_name",
    message: "left(message, 100)",
  };
  const time = sort.dir === "desc" ? "desc" : "asc";
  const order =
    sort.key === "occurredAt"
      ? `occurred_at ${time}, id ${time}`
      : `${lead[sort.key]} ${sort.dir} nulls ${sort.dir === "asc" ? "last" : "first"}, occurred_at ${
          sort.dir === "asc" ? "desc" : "asc"
        }, id ${sort.dir === "asc" ? "desc" : "asc"}`;
  const rows = await database.db.select({ id: auditLog.id }).from(auditLog).orderBy(sql.raw(order));
  return rows.map((r) => r.id);
}

const sorts: AuditSort[] = AUDIT_SORT_KEYS.flatMap((key) => [
  { key, dir: "asc" as const },
  { key, dir: "desc" as const },
]);

describe("findAuditPage keyset pagination", () => {
  it.each(sorts.map((s) => [`${s.key} ${s.dir}`, s] as const))(
    "walks every row once, forward and back, sorted by %s",
    async (_name, sort) => {
      const expected = await referenceOrder(sort);
      const params = { scope: { kind: "all" } as const, sort, pageSize: 10, columns: ALL_COLUMNS };

      const forward: number[] = [];
      const cursors: (string | null)[] = [];
      let cursor: string | null = null;
      for (let guard = 0; guard < 10; guard++) {
        const page = await findAuditPage(database.db, {
          ...params,
          cursor: decodeCursor(cursor),
          direction: "next",
        });
        forward.push(...page.rows.map((r) => r.id));
        cursors.push(page.prevCursor);
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      expect(forward).toEqual(expected);
      expect(cursors[0]).toBeNull(); // the first page has nothing before it

      // Back from the last page's first row to the start.
      const backward: number[][] = [];
      let prev = cursors.at(-1) ?? null;
      while (prev) {
        const page = await findAuditPage(database.db, {
          ...params,
          cursor: decodeCursor(prev),
          direction: "prev",
        });
        backward.unshift(page.rows.map((r) => r.id));
        prev = page.prevCursor;
      }
      expect(backward.flat()).toEqual(expected.slice(0, expected.length - (47 % 10 || 10)));
    },
  );

  it("selects only the visible columns", async () => {
    const page = await findAuditPage(database.db, {
      scope: { kind: "all" },
      sort: { key: "occurredAt", dir: "desc" },
      cursor: null,
      direction: "next",
      pageSize: 5,
      columns: ALL_COLUMNS.filter((c) => c !== "ip"),
    });
    expect(page.rows[0]).not.toHaveProperty("ip");
    expect(page.rows[0]).toHaveProperty("user");
  });

  it("ignores cursors it did not make", () => {
    for (const bad of [
      "",
      "xyz",
      "%%%",
      "0",
      "-3",
      "1.5",
      "W1tdXQ",
      "9".repeat(17),
      "a".repeat(500),
    ]) {
      expect(decodeCursor(bad)).toBeNull();
    }
    expect(decodeCursor(encodeCursor(4386))).toBe(4386);
  });
});

describe("countAuditEntries", () => {
  it("counts exactly when small, and within scope", async () => {
    expect(await countAuditEntries(database.db, { kind: "all" })).toEqual({
      count: 47,
      exact: true,
    });
    const users = await countAuditEntries(database.db, { kind: "tables", tables: ["users"] });
    expect(users).toEqual({ count: 16, exact: true });
  });

  it("gives the planner's estimate, marked as such, when the set is large", async () => {
    // Inserting audit rows directly is allowed (append-only refuses only UPDATE/DELETE).
    await database.db.execute(sql`
      insert into audit_log (actor_type, actor_label, channel, action, table_name, message)
      select 'system', 'Bulk', 'system', 'CREATE', 'cdrs', 'bulk ' || g
      from generate_series(1, 60000) g`);
    await database.db.execute(sql`analyze audit_log`);
    const all = await countAuditEntries(database.db, { kind: "all" });
    expect(all.exact).toBe(false);
    expect(all.count).toBeGreaterThan(50_000);
    expect(all.count).toBeLessThan(70_000);
    // A small subset of the same large table is still counted exactly.
    expect(await countAuditEntries(database.db, { kind: "tables", tables: ["users"] })).toEqual({
      count: 16,
      exact: true,
    });
  });
});
