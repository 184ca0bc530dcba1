import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accounts, auditLog, users } from "@/db/schema";
import {
  auditedMutation,
  NO_CHANGE,
  recordAuditEvent,
  RecordNotFoundError,
  StaleRecordError,
} from "@/lib/audit/core";
import { systemActor, type ActorContext } from "@/lib/audit/actor";
import { REDACTED, REDACTED_CHANGED } from "@/lib/audit/redact";
import { AUDITED_TABLE_NAMES } from "@/lib/audit/tables";
import { pgErrorOf } from "@/db/errors";
import { queryRows } from "@/db/raw";
import { setUpTestDatabase } from "./db";

/** Expects the database itself to refuse, with a message matching `pattern`. */
async function expectRefused(work: Promise<unknown>, pattern: RegExp) {
  const err = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, "the database accepted the write").not.toBeNull();
  expect(pgErrorOf(err)?.message).toMatch(pattern);
}

const database = setUpTestDatabase();

const actor: ActorContext = {
  type: "user",
  userId: 1,
  label: "Ada Admin",
  channel: "control_panel",
  ip: "203.0.113.7",
  userAgent: "vitest",
  requestId: "req-1",
};

async function createCustomer(name: string, creditLimit = "500.00") {
  const { after } = await auditedMutation(database.db, actor, {
    table: "accounts",
    action: "CREATE",
    change: async (tx) => {
      const [row] = await tx
        .insert(accounts)
        .values({ type: "customer", name, creditLimit })
        .returning({ id: accounts.id });
      return row!.id;
    },
  });
  return after!;
}

const countAuditRows = async () =>
  (await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from audit_log`))[0]!
    .n;

const entriesFor = (table: string, pk: string | number) =>
  database.db
    .select()
    .from(auditLog)
    .where(sql`${auditLog.tableName} = ${table} and ${auditLog.recordPk} = ${String(pk)}`)
    .orderBy(auditLog.id);

describe("auditedMutation", () => {
  it("writes the change and its entry, with actor, before and after", async () => {
    const acme = await createCustomer("Acme Telecom");
    await auditedMutation(database.db, actor, {
      table: "accounts",
      action: "UPDATE",
      id: acme.id,
      change: (tx) =>
        tx
          .update(accounts)
          .set({ creditLimit: "750.00" })
          .where(eq(accounts.id, acme.id))
          .then(() => {}),
    });
    const entries = await entriesFor("accounts", acme.id);
    expect(entries.map((e) => e.action)).toEqual(["CREATE", "UPDATE"]);
    const [created, updated] = entries;
    expect(created!.before).toBeNull();
    expect(created!.after).toMatchObject({ name: "Acme Telecom", creditLimit: "500.00" });
    expect(updated!).toMatchObject({
      actorType: "user",
      actorUserId: 1,
      actorLabel: "Ada Admin",
      ip: "203.0.113.7",
      userAgent: "vitest",
      channel: "control_panel",
      requestId: "req-1",
      accountId: acme.id,
      message: `Changed credit limit of customer Acme Telecom (${acme.id}) from 500.00 to 750.00`,
    });
    expect(updated!.before).toMatchObject({ creditLimit: "500.00" });
    expect(updated!.after).toMatchObject({ creditLimit: "750.00" });
  });

  it("leaves neither change nor entry when the change throws", async () => {
    const acme = await createCustomer("Rollback Telecom");
    const countBefore = (await entriesFor("accounts", acme.id)).length;
    await expect(
      auditedMutation(database.db, actor, {
        table: "accounts",
        action: "UPDATE",
        id: acme.id,
        change: async (tx) => {
          await tx.update(accounts).set({ creditLimit: "999.00" }).where(eq(accounts.id, acme.id));
          throw new Error("boom");
        },
      }),
    ).rejects.toThrow("boom");
    const [row] = await database.db.select().from(accounts).where(eq(accounts.id, acme.id));
    expect(row!.creditLimit).toBe("500.00");
    expect(await entriesFor("accounts", acme.id)).toHaveLength(countBefore);
  });

  it("leaves neither change nor entry when the audit insert fails", async () => {
    const acme = await createCustomer("Audit Fails Telecom");
    const countBefore = (await entriesFor("accounts", acme.id)).length;
    // An actor IP that is not an address makes the inet cast of the audit insert fail.
    const badActor = { ...actor, ip: "not-an-ip" };
    await expect(
      auditedMutation(database.db, badActor, {
        table: "accounts",
        action: "UPDATE",
        id: acme.id,
        change: (tx) =>
          tx
            .update(accounts)
            .set({ creditLimit: "1.00" })
            .where(eq(accounts.id, acme.id))
            .then(() => {}),
      }),
    ).rejects.toThrow();
    const [row] = await database.db.select().from(accounts).where(eq(accounts.id, acme.id));
    expect(row!.creditLimit).toBe("500.00");
    expect(await entriesFor("accounts", acme.id)).toHaveLength(countBefore);
  });

  it("rolls back with an enclosing transaction that fails later", async () => {
    const name = "Outer Rollback Telecom";
    await expect(
      database.db.transaction(async (tx) => {
        await auditedMutation(tx, actor, {
          table: "accounts",
          action: "CREATE",
          change: async (inner) => {
            const [r] = await inner.insert(accounts).values({ type: "customer", name }).returning();
            return r!.id;
          },
        });
        throw new Error("outer failure");
      }),
    ).rejects.toThrow("outer failure");
    expect(await database.db.select().from(accounts).where(eq(accounts.name, name))).toHaveLength(
      0,
    );
    const orphans = await database.db
      .select()
      .from(auditLog)
      .where(sql`${auditLog.after}->>'name' = ${name}`);
    expect(orphans).toHaveLength(0);
  });

  it("writes no entry and changes nothing when the change finds nothing to do", async () => {
    const acme = await createCustomer("No Change Telecom");
    const entries = await countAuditRows();
    const result = await auditedMutation(database.db, actor, {
      table: "accounts",
      action: "UPDATE",
      id: acme.id,
      change: async (_tx, before) => (before?.creditLimit === "500.00" ? NO_CHANGE : undefined),
    });
    expect(result.auditId).toBeNull();
    expect(result.after).toEqual(result.before);
    expect(await countAuditRows()).toBe(entries);
    const [row] = await database.db.select().from(accounts).where(eq(accounts.id, acme.id));
    expect(row!.version).toBe(acme.version);
  });

  it("refuses to update or delete a record that does not exist, writing nothing", async () => {
    const before = await countAuditRows();
    await expect(
      auditedMutation(database.db, actor, {
        table: "accounts",
        action: "DELETE",
        id: 999_999,
        change: (tx) =>
          tx
            .delete(accounts)
            .where(eq(accounts.id, 999_999))
            .then(() => {}),
      }),
    ).rejects.toBeInstanceOf(RecordNotFoundError);
    const after = await countAuditRows();
    expect(after).toBe(before);
  });

  it("records a DELETE with only the before image", async () => {
    const gone = await createCustomer("Short Lived Telecom");
    await auditedMutation(database.db, actor, {
      table: "accounts",
      action: "DELETE",
      id: gone.id,
      change: (tx) =>
        tx
          .delete(accounts)
          .where(eq(accounts.id, gone.id))
          .then(() => {}),
    });
    const entries = await entriesFor("accounts", gone.id);
    const del = entries.at(-1)!;
    expect(del.action).toBe("DELETE");
    expect(del.before).toMatchObject({ name: "Short Lived Telecom" });
    expect(del.after).toBeNull();
    expect(del.message).toBe(`Deleted customer Short Lived Telecom (${gone.id})`);
  });

  it("redacts secrets but still shows that they changed", async () => {
    const { after: user } = await auditedMutation(database.db, actor, {
      table: "users",
      action: "CREATE",
      change: async (tx) => {
        const [r] = await tx
          .insert(users)
          .values({
            email: "secret@example.com",
            name: "Sec Ret",
            role: "support",
            status: "active",
            passwordHash: "$argon2id$v=19$first-hash",
          })
          .returning();
        return r!.id;
      },
    });
    await auditedMutation(database.db, actor, {
      table: "users",
      action: "UPDATE",
      id: user!.id,
      change: (tx) =>
        tx
          .update(users)
          .set({ passwordHash: "$argon2id$v=19$second-hash" })
          .where(eq(users.id, user!.id))
          .then(() => {}),
    });
    const entries = await entriesFor("users", user!.id);
    const serialized = JSON.stringify(entries);
    expect(serialized).not.toContain("first-hash");
    expect(serialized).not.toContain("second-hash");
    expect(entries[0]!.after).toMatchObject({ passwordHash: REDACTED });
    expect(entries[1]!.before).toMatchObject({ passwordHash: REDACTED });
    expect(entries[1]!.after).toMatchObject({ passwordHash: REDACTED_CHANGED });
    expect(entries[1]!.message).toContain("password hash");
  });

  it("records events without a row change, e.g. a failed sign-in", async () => {
    const id = await recordAuditEvent(database.db, systemActor("nobody@example.com"), {
      action: "LOGIN",
      tableName: "users",
      message: "Failed sign-in for nobody@example.com: unknown email",
    });
    const [row] = await database.db.select().from(auditLog).where(eq(auditLog.id, id));
    expect(row).toMatchObject({ action: "LOGIN", tableName: "users", recordPk: null });
  });
});

describe("the database guards", () => {
  it("puts the guard trigger on every audited table", async () => {
    const rows = await queryRows<{ table: string }>(
      database.db,
      sql`
      select c.relname as table from pg_trigger t join pg_class c on c.oid = t.tgrelid
      where t.tgname = 'audit_guard'`,
    );
    const guarded = rows.map((r) => r.table).sort();
    expect(guarded).toEqual([...AUDITED_TABLE_NAMES].sort());
  });

  it.each([
    ["INSERT", sql`insert into accounts (type, name) values ('customer', 'Sneaky Telecom')`],
    ["UPDATE", sql`update accounts set credit_limit = 1`],
    ["DELETE", sql`delete from accounts`],
    ["TRUNCATE", sql`truncate accounts cascade`],
  ])("rejects %s on an audited table outside the core", async (_op, statement) => {
    await createCustomer(`Guarded ${_op} Telecom`);
    const snapshot = await database.db.select().from(accounts).orderBy(accounts.id);
    await expectRefused(database.db.execute(statement), /outside the audited-mutation core/);
    expect(await database.db.select().from(accounts).orderBy(accounts.id)).toEqual(snapshot);
  });

  it("rejects a write that sets the context for another table", async () => {
    await expectRefused(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('trunkline.audit_table', 'users', true)`);
        await tx.execute(sql`insert into accounts (type, name) values ('customer', 'Wrong Ctx')`);
      }),
      /outside the audited-mutation core/,
    );
  });

  it("closes the context once the core has applied the change", async () => {
    await expectRefused(
      database.db.transaction(async (tx) => {
        await auditedMutation(tx, actor, {
          table: "accounts",
          action: "CREATE",
          change: async (inner) => {
            const [r] = await inner
              .insert(accounts)
              .values({ type: "customer", name: "Ctx One" })
              .returning();
            return r!.id;
          },
        });
        // Same transaction, after the core returned: no longer allowed.
        await tx.execute(sql`insert into accounts (type, name) values ('customer', 'Ctx Two')`);
      }),
      /outside the audited-mutation core/,
    );
  });

  it.each([
    ["UPDATE", sql`update audit_log set message = 'tampered'`],
    ["DELETE", sql`delete from audit_log`],
    ["TRUNCATE", sql`truncate audit_log`],
  ])("rejects %s of audit rows", async (_op, statement) => {
    await createCustomer(`Append Only ${_op} Telecom`);
    const snapshot = await database.db.select().from(auditLog).orderBy(auditLog.id);
    expect(snapshot.length).toBeGreaterThan(0);
    await expectRefused(database.db.execute(statement), /append-only/);
    expect(await database.db.select().from(auditLog).orderBy(auditLog.id)).toEqual(snapshot);
  });
});

describe("versions", () => {
  it("bumps version and updated_at on every update", async () => {
    const acme = await createCustomer("Versioned Telecom");
    await auditedMutation(database.db, actor, {
      table: "accounts",
      action: "UPDATE",
      id: acme.id,
      change: (tx) =>
        tx
          .update(accounts)
          .set({ channels: 5 })
          .where(eq(accounts.id, acme.id))
          .then(() => {}),
    });
    const [row] = await database.db.select().from(accounts).where(eq(accounts.id, acme.id));
    expect(row!.version).toBe(acme.version + 1);
    expect(row!.updatedAt.getTime()).toBeGreaterThanOrEqual(acme.updatedAt.getTime());
  });

  it("refuses a stale edit, changing nothing and writing no entry", async () => {
    const acme = await createCustomer("Stale Telecom");
    const edit = (channels: number) =>
      auditedMutation(database.db, actor, {
        table: "accounts",
        action: "UPDATE",
        id: acme.id,
        expectedVersion: acme.version,
        change: (tx) =>
          tx
            .update(accounts)
            .set({ channels })
            .where(eq(accounts.id, acme.id))
            .then(() => {}),
      });
    await edit(10);
    const entries = (await entriesFor("accounts", acme.id)).length;
    const err = await edit(20).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StaleRecordError);
    expect((err as StaleRecordError).latest).toMatchObject({ channels: 10 });
    const [row] = await database.db.select().from(accounts).where(eq(accounts.id, acme.id));
    expect(row!.channels).toBe(10);
    expect(await entriesFor("accounts", acme.id)).toHaveLength(entries);
  });
});
