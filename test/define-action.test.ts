import { eq } from "drizzle-orm";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { accounts, auditLog } from "@/db/schema";
import { runAction, type ActionConfig, type ActionHandler } from "@/lib/actions/define-action";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import type { CurrentUser } from "@/lib/auth/session";
import { setUpTestDatabase } from "./db";

const database = setUpTestDatabase();

// A representative staff action: create a customer, validated and audited.
const schema = z.object({
  name: z.string().trim().min(1, "Enter a name."),
  channels: z.coerce.number().int().min(0, "Must be 0 or more."),
});
const config: ActionConfig<typeof schema> = {
  schema,
  permission: "accounts:manage",
  audience: "staff",
};
const handler: ActionHandler<typeof schema, number> = async (input, { db, actor }) => {
  const { after } = await auditedMutation(db, actor, {
    table: "accounts",
    action: "CREATE",
    change: async (tx) => {
      const [row] = await tx
        .insert(accounts)
        .values({ type: "customer", name: input.name, channels: input.channels })
        .returning({ id: accounts.id });
      return row!.id;
    },
  });
  return after!.id;
};

const person = (role: CurrentUser["role"], accountId: number | null = null): CurrentUser => ({
  id: 42,
  name: `${role} person`,
  email: `${role}@example.test`,
  role,
  accountId,
  timeZone: "UTC",
  portalAdmin: false,
  sessionId: null,
});

const run = (user: CurrentUser | null, raw: Record<string, unknown>) =>
  runAction(config, handler, { user, actor: async () => systemActor("t"), db: database.db }, raw);

const counts = async () => ({
  accounts: (await database.db.select().from(accounts)).length,
  audit: (await database.db.select().from(auditLog)).length,
});

describe("runAction", () => {
  it("runs the domain function for a permitted role", async () => {
    const result = await run(person("support"), { name: "Permitted Telecom", channels: "30" });
    expect(result.status).toBe("ok");
    const id = (result as { data: number }).data;
    const [row] = await database.db.select().from(accounts).where(eq(accounts.id, id));
    expect(row).toMatchObject({ name: "Permitted Telecom", channels: 30 });
  });

  it.each([
    ["auditor", person("auditor")],
    ["branding", person("branding")],
    ["customer (portal user)", person("customer", 1001)],
  ])("refuses %s and changes nothing", async (_label, user) => {
    const before = await counts();
    const result = await run(user, { name: "Refused Telecom", channels: "1" });
    expect(result).toEqual({ status: "error", error: "Your role does not allow this action." });
    expect(await counts()).toEqual(before);
  });

  it("refuses a request without a session", async () => {
    const before = await counts();
    expect(await run(null, { name: "Anon Telecom", channels: "1" })).toMatchObject({
      status: "error",
      error: "Your session has ended. Sign in again.",
    });
    expect(await counts()).toEqual(before);
  });

  it("returns every field error at once, with the input, and changes nothing", async () => {
    const before = await counts();
    const result = await run(person("admin"), { name: "  ", channels: "-3", password: "s3cret" });
    expect(result).toEqual({
      status: "error",
      error: "Check the highlighted fields.",
      fieldErrors: { name: ["Enter a name."], channels: ["Must be 0 or more."] },
      values: { name: "  ", channels: "-3" },
    });
    expect(await counts()).toEqual(before);
  });

  it("turns a non-number into a field error rather than NaN", async () => {
    const result = await run(person("admin"), { name: "NaN Telecom", channels: "lots" });
    expect(result).toMatchObject({
      status: "error",
      fieldErrors: { channels: [expect.any(String)] },
    });
  });
});
