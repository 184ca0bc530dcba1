import { TEST_BASE_URL, sessionUser } from "./run-action";
import { createIngressOperation } from "@/lib/ingress/create-ingress-route";
import { deleteIngressOperation } from "@/lib/ingress/delete-ingress-route";
import { updateIngressOperation } from "@/lib/ingress/update-ingress-route";
import { and, eq } from "drizzle-orm";
import type { z } from "zod";
import { describe, expect, it } from "vitest";
import { AUDIT_COLUMN_KEYS } from "@/lib/visibility/audit-columns";
import { auditCriteriaCondition } from "@/lib/audit/queries/audit-criteria";
import { auditLog, ingressRoutes } from "@/db/schema";
import { runOperation, type Operation } from "@/lib/actions/operation";
import { systemActor } from "@/lib/audit/actor";
import { parseAllowedIps } from "@/lib/ingress/allowed-ips";
import { ingressFormValues } from "@/lib/ingress/form-values";
import { STALE_INGRESS_MESSAGE } from "@/lib/ingress/update-ingress-route";
import type { CurrentUser } from "@/lib/auth/session";
import { parseAuditQuery } from "@/lib/search/parse-audit-query";
import { setUpTestDatabase } from "./db";
import { insertTestAccount } from "./factories";

const database = setUpTestDatabase();

const person = sessionUser;

function run<S extends z.ZodType, T>(
  op: Operation<S, T>,
  raw: Record<string, unknown>,
  user: CurrentUser = person("admin"),
) {
  return runOperation(
    op,
    {
      user,
      actor: async (u) => systemActor(u.name),
      db: database.db,
      baseUrl: async () => TEST_BASE_URL,
    },
    raw,
  );
}

const counts = async () => ({
  routes: (await database.db.select().from(ingressRoutes)).length,
  audit: (await database.db.select().from(auditLog)).length,
});

const form = (accountId: number, changes: Record<string, string> = {}) => ({
  accountId: String(accountId),
  name: "Main SIP",
  techPrefix: "1234#",
  allowedIps: "203.0.113.7\n\n 198.51.100.0/24 \n2001:db8::1",
  channels: "20",
  cps: "3",
  maxDurationS: "3600",
  status: "active",
  notes: "",
  ...changes,
});

async function createdRoute(accountId: number) {
  const result = await run(createIngressOperation, form(accountId));
  if (result.status !== "ok") throw new Error(JSON.stringify(result));
  const [row] = await database.db
    .select()
    .from(ingressRoutes)
    .where(eq(ingressRoutes.id, result.data.id));
  return row!;
}

describe("allowed IPs", () => {
  it("normalises single addresses and names every bad line", () => {
    expect(parseAllowedIps("10.0.0.1\n10.0.0.0/8\n::1\n10.0.0.1")).toEqual({
      cidrs: ["10.0.0.1/32", "10.0.0.0/8", "::1/128"],
      errors: [],
    });
    const { errors } = parseAllowedIps("nope\n10.0.0.1/8\n1.2.3.4/33\n10.1");
    expect(errors).toEqual([
      '"nope" is not a valid IP address or CIDR.',
      '"10.0.0.1/8" has host bits set; did you mean 10.0.0.0/8?',
      '"1.2.3.4/33" is not a valid IP address or CIDR.',
      '"10.1" is not a valid IP address or CIDR.',
    ]);
  });
});

describe("ingress routes", () => {
  it("creates a route whose entry is found by searching its Ingress ID", async () => {
    const account = await insertTestAccount(database.db, "customer");
    const route = await createdRoute(account.id);
    expect(route).toMatchObject({
      accountId: account.id,
      techPrefix: "1234#",
      allowedIps: ["203.0.113.7/32", "198.51.100.0/24", "2001:db8::1/128"],
      maxDurationS: 3600,
    });
    const parsed = parseAuditQuery(`ingress:${route.id}`, { timeZone: "UTC" });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed));
    const found = await database.db
      .select()
      .from(auditLog)
      .where(auditCriteriaCondition(parsed.criteria, AUDIT_COLUMN_KEYS));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      action: "CREATE",
      tableName: "ingress_routes",
      recordPk: String(route.id),
      accountId: account.id,
      ingressId: route.id,
    });
  });

  it.each([
    ["empty name", { name: "" }, "name"],
    ["letters in tech prefix", { techPrefix: "12ab" }, "techPrefix"],
    ["long tech prefix", { techPrefix: "1".repeat(17) }, "techPrefix"],
    ["bad CIDR", { allowedIps: "10.0.0.1\n300.1.1.1/24" }, "allowedIps"],
    ["negative cps", { cps: "-1" }, "cps"],
    ["zero max duration", { maxDurationS: "0" }, "maxDurationS"],
    ["bad status", { status: "paused" }, "status"],
  ])("%s → field error and nothing written", async (_label, change, field) => {
    const account = await insertTestAccount(database.db, "customer");
    const before = await counts();
    const result = await run(createIngressOperation, form(account.id, change));
    expect(result.status === "error" && Object.keys(result.fieldErrors ?? {})).toEqual([field]);
    expect(await counts()).toEqual(before);
  });

  it("names the bad line of the allowed IPs", async () => {
    const account = await insertTestAccount(database.db, "customer");
    const result = await run(
      createIngressOperation,
      form(account.id, { allowedIps: "1.2.3.4\nfoo" }),
    );
    expect(result).toMatchObject({
      fieldErrors: { allowedIps: ['"foo" is not a valid IP address or CIDR.'] },
    });
  });

  it("refuses routes under a carrier", async () => {
    const carrier = await insertTestAccount(database.db, "carrier");
    const before = await counts();
    const result = await run(createIngressOperation, form(carrier.id));
    expect(result).toMatchObject({ status: "error", error: expect.stringMatching(/customer/) });
    expect(await counts()).toEqual(before);
  });

  it.each([
    ["auditor", person("auditor")],
    ["branding", person("branding")],
    ["portal customer", person("customer", 1001)],
  ])("refuses %s", async (_label, user) => {
    const account = await insertTestAccount(database.db, "customer");
    const before = await counts();
    expect(await run(createIngressOperation, form(account.id), user)).toMatchObject({
      status: "error",
      error: "Your role does not allow this action.",
    });
    expect(await counts()).toEqual(before);
  });

  it("updates with the version, refuses a stale save, deletes", async () => {
    const account = await insertTestAccount(database.db, "customer");
    const route = await createdRoute(account.id);
    const edit = { ...ingressFormValues(route), cps: "8" };
    expect(await run(updateIngressOperation, edit)).toMatchObject({
      status: "ok",
      data: { version: route.version + 1 },
    });
    const before = await counts();
    const stale = await run(updateIngressOperation, { ...edit, cps: "9" });
    // Refused, with the route as stored now in place of what was typed.
    expect(stale).toMatchObject({
      status: "error",
      error: STALE_INGRESS_MESSAGE,
      values: { cps: "8", version: String(route.version + 1) },
    });
    expect(await counts()).toEqual(before);

    expect(await run(deleteIngressOperation, { id: String(route.id) })).toMatchObject({
      status: "ok",
    });
    const entries = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.ingressId, route.id), eq(auditLog.accountId, account.id)))
      .orderBy(auditLog.id);
    expect(entries.map((e) => e.action)).toEqual(["CREATE", "UPDATE", "DELETE"]);
  });
});
