import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, columnPermissions } from "@/db/schema";
import { systemActor } from "@/lib/audit/actor";
import { saveHiddenColumns } from "@/lib/visibility/save-preference";
import {
  AUDIT_COLUMN_KEYS,
  resolveAuditColumns,
  resolveAuditColumnsOf,
} from "@/lib/visibility/audit-columns";
import {
  clearUserColumnOverride,
  setAuditColumnPermissions,
} from "@/lib/visibility/set-column-permissions";
import { maskAuditData, HIDDEN } from "@/lib/visibility/audit-data";
import { setUpTestDatabase } from "./db";
import { insertTestUser } from "./factories";

const database = setUpTestDatabase();

const admin = systemActor("Ada Admin");

describe("audit column visibility", () => {
  it("uses the role defaults until an admin sets the role's columns", async () => {
    const support = await insertTestUser(database.db, { role: "support" });
    const first = await resolveAuditColumns(database.db, support);
    expect(first.allowed).not.toContain("ip");
    expect(first.allowed).toContain("message");

    await setAuditColumnPermissions(database.db, admin, { role: "support" }, [
      "user",
      "ip",
      "message",
    ]);
    const after = await resolveAuditColumns(database.db, support);
    expect(after.allowed).toEqual(["user", "ip", "message"]);
  });

  it("lets a user override replace the role's columns, and removing it restores them", async () => {
    const auditor = await insertTestUser(database.db, { role: "auditor" });
    await setAuditColumnPermissions(database.db, admin, { userId: auditor.id }, [
      "message",
      "action",
    ]);
    expect((await resolveAuditColumns(database.db, auditor)).allowed).toEqual([
      "action",
      "message",
    ]);
    await clearUserColumnOverride(database.db, admin, auditor.id);
    expect((await resolveAuditColumns(database.db, auditor)).allowed).toHaveLength(8);
  });

  it("applies a personal preference without ever revealing a forbidden column", async () => {
    const support = await insertTestUser(database.db, { role: "branding" });
    await saveHiddenColumns(database.db, support.id, "audit", ["message", "ip"]);
    const { allowed, visible } = await resolveAuditColumns(database.db, support);
    expect(allowed).not.toContain("ip");
    expect(visible).not.toContain("ip");
    expect(visible).not.toContain("message");
    expect(visible).toContain("user");
  });

  it("shows every allowed column to someone who hid them all, and says which role it read", async () => {
    const auditor = await insertTestUser(database.db, { role: "auditor" });
    await saveHiddenColumns(database.db, auditor.id, "audit", [...AUDIT_COLUMN_KEYS]);
    const { allowed, visible } = await resolveAuditColumns(database.db, auditor);
    expect(visible).toEqual(allowed);
    expect(allowed).toEqual(AUDIT_COLUMN_KEYS);

    await saveHiddenColumns(database.db, auditor.id, "audit", ["ip"]);
    expect(await resolveAuditColumnsOf(database.db, auditor.id)).toEqual({
      role: "auditor",
      allowed: AUDIT_COLUMN_KEYS,
      visible: AUDIT_COLUMN_KEYS.filter((k) => k !== "ip"),
    });
    expect(await resolveAuditColumnsOf(database.db, 987_654_321)).toBeNull();
  });

  it("records every permission change in the audit log, with before and after", async () => {
    await setAuditColumnPermissions(database.db, admin, { role: "carrier" }, ["user", "message"]);
    await setAuditColumnPermissions(database.db, admin, { role: "carrier" }, [
      "user",
      "message",
      "data",
    ]);
    const [row] = await database.db
      .select()
      .from(columnPermissions)
      .where(and(eq(columnPermissions.surface, "audit"), eq(columnPermissions.role, "carrier")));
    const entries = await database.db
      .select()
      .from(auditLog)
      .where(
        and(eq(auditLog.tableName, "column_permissions"), eq(auditLog.recordPk, String(row!.id))),
      )
      .orderBy(auditLog.id);
    expect(entries.map((e) => e.action)).toEqual(["CREATE", "UPDATE"]);
    expect(entries[1]!.before).toMatchObject({ columns: ["user", "message"] });
    expect(entries[1]!.after).toMatchObject({ columns: ["user", "message", "data"] });
    expect(entries[1]!.message).toBe(
      "Set audit columns of role carrier to user, message, data (were user, message)",
    );
  });

  it("refuses an empty column list and an unknown user, changing nothing", async () => {
    const count = async () => (await database.db.select().from(columnPermissions)).length;
    const before = await count();
    await expect(
      setAuditColumnPermissions(database.db, admin, { role: "admin" }, []),
    ).rejects.toThrow("Leave at least one column visible.");
    await expect(
      setAuditColumnPermissions(database.db, admin, { userId: 987654 }, ["user"]),
    ).rejects.toThrow("That user does not exist.");
    expect(await count()).toBe(before);
  });
});

describe("maskAuditData", () => {
  const account = { id: 1042, name: "Acme", notesPrivate: "owes us", creditLimit: "500.00" };
  it("hides internal fields from portal users but not from staff who may see them", () => {
    expect(maskAuditData("accounts", account, "customer")).toMatchObject({
      notesPrivate: HIDDEN,
      creditLimit: "500.00",
    });
    expect(maskAuditData("accounts", account, "support")).toMatchObject({
      notesPrivate: "owes us",
    });
  });
  it("leaves tables without rules and null data alone", () => {
    expect(maskAuditData("users", { name: "x" }, "customer")).toEqual({ name: "x" });
    expect(maskAuditData("accounts", null, "customer")).toBeNull();
  });
});
