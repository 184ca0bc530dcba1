/**
 * The CDR field and breakout column settings, set through their operations as the admin would,
 * then read back through the one effective-field function (cdrViewerPolicy): audience defaults,
 * "never" cells, account overrides, staff role and user rows, and a user's own preference.
 */
import { desc, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { auditLog, type users } from "@/db/schema";
import { clearAccountFieldsOperation } from "@/lib/cdrs/clear-account-fields";
import { clearColumnsOperation } from "@/lib/cdrs/clear-column-override";
import { defaultCdrFields } from "@/lib/cdrs/fields";
import {
  saveBreakoutColumnsPreferenceOperation,
  saveCdrFieldsPreferenceOperation,
} from "@/lib/cdrs/save-preference";
import { setAccountFieldsOperation } from "@/lib/cdrs/set-account-fields";
import { setAudienceFieldsOperation } from "@/lib/cdrs/set-audience-fields";
import { setRoleColumnsOperation } from "@/lib/cdrs/set-role-columns";
import { setUserColumnsOperation } from "@/lib/cdrs/set-user-columns";
import { cdrViewerPolicy, roleDefaultCdrFields } from "@/lib/cdrs/viewer-policy";
import { setUpTestDatabase } from "./db";
import { insertTestAccount, insertTestUser } from "./factories";
import { insertTestPortalUser } from "./portal-support";
import { asCurrent, runAs } from "./run-action";

const database = setUpTestDatabase();
let db: Db;
type UserRow = typeof users.$inferSelect;

let admin: ReturnType<typeof asCurrent>;
let acme: { id: number; name: string };
let acmeUser: UserRow;
let otherCustomer: UserRow;
let zephyrUser: UserRow;

beforeAll(async () => {
  db = database.db;
  admin = asCurrent(await insertTestUser(db, { role: "admin" }));
  const acmeRow = await insertTestAccount(db, "customer", "Acme Telecom");
  acme = { id: acmeRow.id, name: acmeRow.name };
  acmeUser = await insertTestPortalUser(db, acmeRow);
  otherCustomer = await insertTestPortalUser(db, await insertTestAccount(db, "customer"));
  zephyrUser = await insertTestPortalUser(db, await insertTestAccount(db, "carrier", "Zephyr"));
});

const policyOf = async (user: UserRow) => (await cdrViewerPolicy(db, user))!;

/** The last audit entry of a table: what the change wrote. */
async function lastEntry(table: "cdr_field_settings" | "column_permissions") {
  const [entry] = await db
    .select()
    .from(auditLog)
    .where(eq(auditLog.tableName, table))
    .orderBy(desc(auditLog.id))
    .limit(1);
  return entry!;
}

const ok = async (result: Promise<{ status: string }>) => {
  const r = await result;
  expect(r, JSON.stringify(r)).toMatchObject({ status: "ok" });
  return r as { status: "ok"; data: { version: number } };
};

/** The audience form as the page renders it: the current fields ticked, no labels. */
const audienceForm = (
  accountType: "customer" | "carrier",
  fields: readonly string[],
  extra: Record<string, string> = {},
) => ({ accountType, "fields[]": [...fields], ...extra });

describe("audience defaults", () => {
  it("follow the catalogue until saved, then the saved set with labels, audited as a field list", async () => {
    expect((await policyOf(acmeUser)).fields.allowed).toEqual(defaultCdrFields("customer"));

    const fields = [...defaultCdrFields("customer").filter((k) => k !== "customer_rate"), "codec"];
    const saved = await ok(
      runAs(
        db,
        setAudienceFieldsOperation,
        admin,
        audienceForm("customer", fields, { version: "0", "label.customer_charge": " Amount " }),
      ),
    );
    const policy = await policyOf(acmeUser);
    expect(policy.fields.allowed).not.toContain("customer_rate");
    expect(policy.fields.allowed).toContain("codec");
    expect(policy.fields.labels.customer_charge).toBe("Amount");
    expect(policy.fields.labels.dt).toBe("Call start");
    // Carriers are untouched.
    expect((await policyOf(zephyrUser)).fields.allowed).toEqual(defaultCdrFields("carrier"));

    const created = await lastEntry("cdr_field_settings");
    expect(created.action).toBe("CREATE");
    expect(created.message).toBe(
      'Customer CDR fields: customer_rate: shown → hidden; codec: hidden → shown; label of customer_charge: "Charge" → "Amount"',
    );

    await ok(
      runAs(
        db,
        setAudienceFieldsOperation,
        admin,
        audienceForm("customer", [...fields, "customer_rate"], {
          version: String(saved.data.version),
          "label.customer_rate": "Price/min",
          "label.customer_charge": "Amount",
        }),
      ),
    );
    const updated = await lastEntry("cdr_field_settings");
    expect(updated.action).toBe("UPDATE");
    expect(updated.message).toBe(
      'Customer CDR fields: customer_rate: hidden → shown; label of customer_rate: "Rate" → "Price/min"',
    );
    expect((await policyOf(acmeUser)).fields.labels.customer_rate).toBe("Price/min");
  });

  it("refuses a never cell, unknown keys and an empty set with field errors", async () => {
    const never = await runAs(
      db,
      setAudienceFieldsOperation,
      admin,
      audienceForm("customer", ["dt", "carrier_rate", "bogus"]),
    );
    expect(never).toMatchObject({
      status: "error",
      fieldErrors: {
        "fields[]": [
          '"carrier_rate" is never shown to customers.',
          '"bogus" is not a known field.',
        ],
      },
    });
    const profit = await runAs(
      db,
      setAudienceFieldsOperation,
      admin,
      audienceForm("carrier", ["dt", "profit"]),
    );
    expect(profit).toMatchObject({
      fieldErrors: { "fields[]": ['"profit" is never shown to carriers.'] },
    });
    const empty = await runAs(db, setAudienceFieldsOperation, admin, { accountType: "carrier" });
    expect(empty).toMatchObject({
      fieldErrors: { "fields[]": ["Leave at least one field shown."] },
    });
    const long = await runAs(
      db,
      setAudienceFieldsOperation,
      admin,
      audienceForm("carrier", ["dt"], { "label.dt": "x".repeat(41) }),
    );
    expect(long).toMatchObject({ fieldErrors: { "label.dt": ["Keep labels to 40 characters."] } });
  });

  it("refuses a stale save and changes nothing", async () => {
    const first = await ok(
      runAs(db, setAudienceFieldsOperation, admin, audienceForm("carrier", ["dt", "carrier_id"])),
    );
    const before = await lastEntry("cdr_field_settings");
    const stale = await runAs(
      db,
      setAudienceFieldsOperation,
      admin,
      audienceForm("carrier", ["dt"], { version: String(first.data.version - 1) }),
    );
    expect(stale).toMatchObject({
      status: "error",
      error: expect.stringContaining("changed by someone else"),
    });
    expect((await lastEntry("cdr_field_settings")).id).toBe(before.id);
    expect((await policyOf(zephyrUser)).fields.allowed).toEqual(["dt", "carrier_id"]);
  });
});

describe("account overrides", () => {
  it("add, remove, order and relabel one account's fields only, and the never cells hold", async () => {
    await ok(
      runAs(db, setAccountFieldsOperation, admin, {
        accountId: String(acme.id),
        version: "0",
        "state.ingress_id": "shown",
        "state.mos": "shown",
        "state.source_ip": "hidden",
        "state.dt": "default",
        "position.mos": "1",
        "position.dt": "2",
        "label.mos": "Call quality",
      }),
    );
    const entry = await lastEntry("cdr_field_settings");
    expect(entry.action).toBe("CREATE");
    expect(entry.accountId).toBe(acme.id);
    expect(entry.message).toBe(
      `CDR fields of Acme Telecom (${acme.id}): ingress_id: default → shown; source_ip: default → hidden; ` +
        'mos: default → shown; label of mos: default → "Call quality"; order: default → mos, dt',
    );

    const policy = await policyOf(acmeUser);
    expect(policy.fields.allowed.slice(0, 2)).toEqual(["mos", "dt"]);
    expect(policy.fields.allowed).toContain("ingress_id");
    expect(policy.fields.allowed).not.toContain("source_ip");
    expect(policy.fields.labels.mos).toBe("Call quality");
    // Another customer keeps the audience default.
    const other = await policyOf(otherCustomer);
    expect(other.fields.allowed).not.toContain("ingress_id");
    expect(other.fields.allowed).toContain("source_ip");

    const never = await runAs(db, setAccountFieldsOperation, admin, {
      accountId: String(acme.id),
      "state.carrier_rate": "shown",
    });
    expect(never).toMatchObject({
      status: "error",
      fieldErrors: { "state.carrier_rate": ['"carrier_rate" is never shown to customers.'] },
    });
    expect((await policyOf(acmeUser)).fields.allowed).not.toContain("carrier_rate");
  });

  it("is removed with an audited DELETE, and the account sees the default again", async () => {
    await ok(runAs(db, clearAccountFieldsOperation, admin, { accountId: String(acme.id) }));
    const entry = await lastEntry("cdr_field_settings");
    expect(entry.action).toBe("DELETE");
    expect(entry.message).toMatch(
      new RegExp(
        `^Removed the CDR field override of Acme Telecom \\(${acme.id}\\): ingress_id: shown → default`,
      ),
    );
    expect((await policyOf(acmeUser)).fields.allowed).not.toContain("ingress_id");
  });
});

describe("staff rows and preferences", () => {
  it("give support the buy side by role, one user their own set, and a preference only hides", async () => {
    const support = await insertTestUser(db, { role: "support" });
    const hannah = await insertTestUser(db, { role: "support" });
    expect((await policyOf(support)).fields.allowed).toEqual(roleDefaultCdrFields("support"));
    expect((await policyOf(support)).fields.allowed).not.toContain("carrier_rate");

    await ok(
      runAs(db, setRoleColumnsOperation, admin, {
        surface: "cdr",
        role: "support",
        version: "0",
        "columns[]": [...roleDefaultCdrFields("support"), "carrier_rate"],
      }),
    );
    expect((await lastEntry("column_permissions")).message).toBe(
      "CDR fields of role support: carrier_rate: hidden → shown",
    );
    expect((await policyOf(support)).fields.allowed).toContain("carrier_rate");

    await ok(
      runAs(db, setUserColumnsOperation, admin, {
        surface: "cdr",
        userId: String(hannah.id),
        "columns[]": ["dt", "id", "carrier_rate"],
      }),
    );
    expect((await lastEntry("column_permissions")).message).toMatch(
      new RegExp(
        `^CDR fields of user ${hannah.email}: id: hidden → shown; answer_time: shown → hidden; end_time: shown → hidden; callid: shown → hidden;`,
      ),
    );
    expect((await policyOf(hannah)).fields.allowed).toEqual(["id", "dt", "carrier_rate"]);
    expect((await policyOf(support)).fields.allowed).not.toContain("id");

    // Hannah hides the record id for herself; "profit" is not hers to reveal.
    await ok(
      runAs(db, saveCdrFieldsPreferenceOperation, asCurrent(hannah), {
        "visible[]": ["dt", "carrier_rate", "profit"],
      }),
    );
    const preferred = await policyOf(hannah);
    expect(preferred.fields.allowed).toEqual(["id", "dt", "carrier_rate"]);
    expect(preferred.fields.visible).toEqual(["dt", "carrier_rate"]);

    await ok(
      runAs(db, clearColumnsOperation, admin, { surface: "cdr", userId: String(hannah.id) }),
    );
    const removed = await lastEntry("column_permissions");
    expect(removed.action).toBe("DELETE");
    expect(removed.message).toMatch(
      new RegExp(`^Removed the CDR field override of user ${hannah.email}: `),
    );
    expect((await policyOf(hannah)).fields.allowed).toContain("carrier_rate");
    expect((await policyOf(hannah)).fields.allowed).not.toContain("id");
  });

  it("refuse a portal user's CDR row, a never breakout column, and a stale role save", async () => {
    const portal = await runAs(db, setUserColumnsOperation, admin, {
      surface: "cdr",
      userId: String(acmeUser.id),
      "columns[]": ["dt"],
    });
    expect(portal).toMatchObject({
      fieldErrors: { userId: ["Portal users' CDR fields follow their account's settings."] },
    });
    const never = await runAs(db, setRoleColumnsOperation, admin, {
      surface: "breakout",
      role: "customer",
      "columns[]": ["attempts", "cost"],
    });
    expect(never).toMatchObject({
      fieldErrors: { "columns[]": ['"cost" is never shown to customers.'] },
    });

    await ok(
      runAs(db, setRoleColumnsOperation, admin, {
        surface: "breakout",
        role: "auditor",
        version: "0",
        "columns[]": ["customer_dest_name", "attempts", "minutes"],
      }),
    );
    const stale = await runAs(db, setRoleColumnsOperation, admin, {
      surface: "breakout",
      role: "auditor",
      version: "0",
      "columns[]": ["attempts"],
    });
    expect(stale).toMatchObject({
      status: "error",
      error: expect.stringContaining("changed by someone else"),
    });
  });

  it("breakout columns by role and by user, with the user's preference", async () => {
    const support = await insertTestUser(db, { role: "support" });
    expect((await policyOf(support)).breakout.allowed).not.toContain("cost");
    await ok(
      runAs(db, setRoleColumnsOperation, admin, {
        surface: "breakout",
        role: "support",
        "columns[]": ["customer_dest_name", "attempts", "revenue", "cost"],
      }),
    );
    const entry = await lastEntry("column_permissions");
    expect(entry.message).toMatch(/^Breakout columns of role support: /);
    expect(entry.message).toContain("cost: hidden → shown");
    expect((await policyOf(support)).breakout.allowed).toEqual([
      "customer_dest_name",
      "attempts",
      "revenue",
      "cost",
    ]);

    await ok(
      runAs(db, setUserColumnsOperation, admin, {
        surface: "breakout",
        userId: String(zephyrUser.id),
        "columns[]": ["attempts", "cost"],
      }),
    );
    expect((await policyOf(zephyrUser)).breakout.allowed).toEqual(["attempts", "cost"]);
    await ok(
      runAs(db, saveBreakoutColumnsPreferenceOperation, asCurrent(zephyrUser), {
        "visible[]": ["attempts"],
      }),
    );
    expect((await policyOf(zephyrUser)).breakout.visible).toEqual(["attempts"]);

    await ok(runAs(db, clearColumnsOperation, admin, { surface: "breakout", role: "support" }));
    expect((await lastEntry("column_permissions")).message).toMatch(
      /^Removed the breakout column settings of role support: .*cost: shown → hidden/,
    );
    expect((await policyOf(support)).breakout.allowed).not.toContain("cost");
  });

  it("refuse the auditor and support every change, and change nothing", async () => {
    const before = await db.$count(auditLog);
    for (const role of ["auditor", "support"] as const) {
      const user = asCurrent(await insertTestUser(db, { role }));
      const attempts = [
        runAs(db, setAudienceFieldsOperation, user, audienceForm("customer", ["dt"])),
        runAs(db, setAccountFieldsOperation, user, {
          accountId: String(acme.id),
          "state.codec": "shown",
        }),
        runAs(db, clearAccountFieldsOperation, user, { accountId: String(acme.id) }),
        runAs(db, setRoleColumnsOperation, user, {
          surface: "cdr",
          role: "support",
          "columns[]": ["dt"],
        }),
        runAs(db, setUserColumnsOperation, user, {
          surface: "cdr",
          userId: String(user.id),
          "columns[]": ["dt"],
        }),
        runAs(db, clearColumnsOperation, user, { surface: "breakout", role: "support" }),
      ];
      for (const result of await Promise.all(attempts)) {
        expect(result).toEqual({ status: "error", error: "Your role does not allow this action." });
      }
    }
    // Creating the two users wrote their own entries; nothing else was written.
    expect(await db.$count(auditLog)).toBe(before + 2);
  });
});
