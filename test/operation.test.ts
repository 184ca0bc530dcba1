import { sessionUser } from "./run-action";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { accounts, auditLog } from "@/db/schema";
import { redirect, unstable_rethrow } from "next/navigation";
import { operation, performOperation, runOperation } from "@/lib/actions/operation";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { StaleEditError } from "@/lib/audit/stale-edit";
import type { CurrentUser } from "@/lib/auth/session";
import { setUpTestDatabase } from "./db";

const database = setUpTestDatabase();

// A representative staff operation: create a customer, validated and audited.
const createCustomer = operation({
  schema: z.object({
    name: z.string().trim().min(1, "Enter a name."),
    channels: z.coerce.number().int().min(0, "Must be 0 or more."),
  }),
  permission: "accounts:manage",
  audience: "staff",
  run: async (input, { db, actor }) => {
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
    return { data: after!.id, message: "Created." };
  },
});

const person = sessionUser;

const caller = (user: CurrentUser | null) => ({
  user,
  actor: async () => systemActor("t"),
  db: database.db,
  baseUrl: async () => "https://trunkline.example",
});
const run = (user: CurrentUser | null, raw: Record<string, unknown>) =>
  runOperation(createCustomer, caller(user), raw);

const counts = async () => ({
  accounts: (await database.db.select().from(accounts)).length,
  audit: (await database.db.select().from(auditLog)).length,
});

describe("runOperation", () => {
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

  // Found by test/properties/schemas.test.ts: Postgres refuses U+0000 in text, so a NUL that
  // passed the schema used to fail the INSERT and answer 500 (the API) or "Something went wrong".
  it("refuses a NUL character as a field error before anything is written", async () => {
    const before = await counts();
    const result = await run(person("admin"), { name: "Nul\u0000Telecom", channels: "1" });
    expect(result).toMatchObject({
      status: "error",
      error: "Check the highlighted fields.",
      fieldErrors: { name: ["Contains a NUL character (U+0000), which cannot be stored."] },
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

  it("answers a stale save with the record as stored now, marked stale for the door", async () => {
    const stale = operation({
      schema: z.object({ name: z.string() }),
      permission: "accounts:manage",
      audience: "staff",
      run: async (): Promise<{ data: number; message: string }> => {
        throw new StaleEditError("Changed meanwhile.", { name: "Stored Telecom", version: 7 });
      },
      latestValues: (latest) => ({ name: String(latest.name), version: String(latest.version) }),
    });
    const performed = await performOperation(stale, caller(person("admin")), { name: "Typed" });
    expect(performed).toMatchObject({
      failure: "stale",
      result: {
        status: "error",
        error: "Changed meanwhile.",
        values: { name: "Stored Telecom", version: "7" },
      },
    });
  });

  it("lets a redirect thrown inside the operation pass through the form door instead of reporting an error", async () => {
    const redirecting = operation({
      schema: z.object({}),
      permission: "accounts:manage",
      audience: "staff",
      run: async (): Promise<{ data: null; message: string }> => redirect("/accounts"),
    });
    const door = { ...caller(person("admin")), passThrough: unstable_rethrow };
    await expect(runOperation(redirecting, door, {})).rejects.toMatchObject({
      digest: expect.stringContaining("NEXT_REDIRECT"),
    });
  });

  it("reports an unexpected failure with a reference, without its details", async () => {
    const failing = operation({
      schema: z.object({}),
      permission: "accounts:manage",
      audience: "staff",
      run: async (): Promise<{ data: null; message: string }> => {
        throw new Error("connection string postgres://secret@db");
      },
    });
    const result = await runOperation(failing, caller(person("admin")), {});
    expect(result).toMatchObject({ status: "error" });
    expect(JSON.stringify(result)).not.toContain("secret");
    expect(result).toMatchObject({
      error: expect.stringMatching(/^Something went wrong \(reference [0-9a-f-]{36}\)\.$/),
    });
  });
});
