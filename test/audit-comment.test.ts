import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { accounts, appSettings, auditLog, type users } from "@/db/schema";
import { AUDIT_COMMENT_MAX, type AuditCommentInput } from "@/lib/actions/audit-comment";
import { operation, performOperation, type Performed } from "@/lib/actions/operation";
import { accountEndpoints } from "@/lib/api/v1/accounts";
import { auditedMutation } from "@/lib/audit/core";
import { auditCriteriaCondition } from "@/lib/audit/queries/audit-criteria";
import { actorForUser } from "@/lib/auth/actor-for-user";
import { parseAuditQuery } from "@/lib/search/parse-audit-query";
import type { AuditCommentMode } from "@/lib/settings/app-settings";
import { readSetting } from "@/lib/settings/app-settings";
import { updateSecuritySettingsOperation } from "@/lib/settings/update-security-settings";
import { AUDIT_COLUMN_KEYS } from "@/lib/visibility/audit-columns";
import { callApi, keyFor } from "./api-support";
import { setUpTestDatabase } from "./db";
import { insertTestAccount, insertTestUser } from "./factories";
import { asCurrent, REQUEST } from "./run-action";

/**
 * The audit comment end to end below the browser: the setting's own audited operation, the one
 * check in the operation pipeline for each mode, audience and door, and `comment:` search.
 */

const database = setUpTestDatabase();
const db = () => database.db;

type UserRow = typeof users.$inferSelect;
let admin: UserRow;
let support: UserRow;
let auditor: UserRow;
let portal: UserRow;

beforeAll(async () => {
  admin = await insertTestUser(db(), { role: "admin" });
  support = await insertTestUser(db(), { role: "support" });
  auditor = await insertTestUser(db(), { role: "auditor" });
  const account = await insertTestAccount(db());
  portal = await insertTestUser(db(), { role: "customer", accountId: account.id });
});

const FORM = (value: string | null): AuditCommentInput => ({
  value,
  encoding: "plain",
  field: "auditComment",
});
const HEADER = (value: string | null): AuditCommentInput => ({
  value,
  encoding: "header",
  field: "X-Audit-Comment",
});

/** Through the pipeline as a door runs it, the actor built as the app builds it. */
function perform<S extends z.ZodType, T>(
  op: Parameters<typeof performOperation<S, T>>[0],
  user: UserRow,
  raw: Record<string, unknown>,
  auditComment?: AuditCommentInput,
): Promise<Performed<S, T>> {
  return performOperation(
    op,
    {
      user: asCurrent(user),
      actor: async (u) => actorForUser(u, REQUEST),
      db: db(),
      baseUrl: async () => "https://trunkline.example",
      ...(auditComment ? { auditComment } : {}),
    },
    raw,
  );
}

const counts = async () => ({
  settings: await db().$count(appSettings),
  entries: await db().$count(auditLog),
  accounts: await db().$count(accounts),
});

/** Sets the modes as an admin, with a reason (a save under "required" needs one too). */
async function setModes(controlPanel: AuditCommentMode, portalMode: AuditCommentMode) {
  const { result } = await perform(
    updateSecuritySettingsOperation,
    admin,
    { auditCommentControlPanel: controlPanel, auditCommentPortal: portalMode },
    FORM("test setup"),
  );
  expect(result.status).toBe("ok");
}

describe("the security settings operation", () => {
  it("creates the rows the first time, audited, with the reason", async () => {
    expect(await db().$count(appSettings)).toBe(0);
    const { result } = await perform(
      updateSecuritySettingsOperation,
      admin,
      {
        auditCommentControlPanel: "required",
        auditCommentPortal: "optional",
        adminTotpRequired: "on",
      },
      FORM("  Audit finding 12 "),
    );
    expect(result).toMatchObject({ status: "ok", message: "Saved the security settings." });
    expect(await readSetting(db(), "audit_comment")).toEqual({
      controlPanel: "required",
      portal: "optional",
    });
    expect(await readSetting(db(), "admin_totp_required")).toBe(true);
    const entries = await db()
      .select()
      .from(auditLog)
      .where(eq(auditLog.tableName, "app_settings"))
      .orderBy(asc(auditLog.id));
    expect(entries.map((e) => [e.action, e.recordPk, e.actorUserId, e.comment])).toEqual([
      ["CREATE", "audit_comment", admin.id, null],
      ["CREATE", "admin_totp_required", admin.id, null],
    ]);
    // The comment was off when this save started: it is not stored.
    expect(entries[0]!.message).toContain("Control Panel required, Portal optional");
  });

  it("updates, and stores the reason now that the Control Panel requires one", async () => {
    const before = await db().$count(auditLog);
    const { result } = await perform(
      updateSecuritySettingsOperation,
      admin,
      {
        auditCommentControlPanel: "optional",
        auditCommentPortal: "optional",
        adminTotpRequired: "on",
      },
      FORM("Too strict for the night shift"),
    );
    expect(result.status).toBe("ok");
    const rows = await db()
      .select()
      .from(auditLog)
      .where(eq(auditLog.tableName, "app_settings"))
      .orderBy(asc(auditLog.id));
    expect(await db().$count(auditLog)).toBe(before + 1);
    expect(rows.at(-1)).toMatchObject({
      action: "UPDATE",
      recordPk: "audit_comment",
      comment: "Too strict for the night shift",
    });
    expect(rows.at(-1)!.message).toMatch(/\(was Control Panel required, Portal optional\)$/);
  });

  it("writes nothing when nothing changed", async () => {
    const before = await counts();
    const { result } = await perform(updateSecuritySettingsOperation, admin, {
      auditCommentControlPanel: "optional",
      auditCommentPortal: "optional",
      adminTotpRequired: "on",
    });
    expect(result).toMatchObject({ status: "ok", message: "Nothing changed." });
    expect(await counts()).toEqual(before);
  });

  it.each([
    ["support", () => support],
    ["auditor", () => auditor],
    ["a portal user", () => portal],
  ])("refuses %s and changes nothing", async (_label, who) => {
    const before = await counts();
    const setting = await readSetting(db(), "audit_comment");
    const { result, failure } = await perform(
      updateSecuritySettingsOperation,
      who(),
      { auditCommentControlPanel: "off", auditCommentPortal: "off" },
      FORM("let me"),
    );
    expect(failure).toBe("forbidden");
    expect(result).toEqual({ status: "error", error: "Your role does not allow this action." });
    expect(await counts()).toEqual(before);
    expect(await readSetting(db(), "audit_comment")).toEqual(setting);
  });

  it("refuses a mode it does not know, with a field error, and changes nothing", async () => {
    const before = await counts();
    const { result } = await perform(
      updateSecuritySettingsOperation,
      admin,
      { auditCommentControlPanel: "sometimes", auditCommentPortal: "off" },
      FORM("x"),
    );
    expect(result).toMatchObject({
      status: "error",
      fieldErrors: { auditCommentControlPanel: ["Choose off, optional or required."] },
    });
    expect(await counts()).toEqual(before);
  });
});

// Any signed-in user may run it: the test is about the comment, not the permission.
const createAccount = operation({
  schema: z.object({ name: z.string().min(1) }),
  permission: "profile:self",
  audience: "any",
  run: async (input, { db: d, actor }) => {
    const { after, auditId } = await auditedMutation(d, actor, {
      table: "accounts",
      action: "CREATE",
      change: async (tx) => {
        const [row] = await tx
          .insert(accounts)
          .values({ type: "customer", name: input.name })
          .returning({ id: accounts.id });
        return row!.id;
      },
    });
    return { data: { id: after!.id, auditId: auditId! }, message: "Created." };
  },
});

let seq = 0;
async function createWith(user: UserRow, comment?: AuditCommentInput) {
  const name = `Comment test ${++seq}`;
  const before = await counts();
  const performed = await perform(createAccount, user, { name }, comment);
  if (performed.result.status !== "ok") {
    // Refused: nothing was written.
    expect(await counts()).toEqual(before);
    return { ok: false as const, performed };
  }
  const [entry] = await db()
    .select()
    .from(auditLog)
    .where(eq(auditLog.id, performed.result.data.auditId));
  return { ok: true as const, comment: entry!.comment, performed };
}

describe("the pipeline under each mode, audience and door", () => {
  const AUDIENCES = [
    ["Control Panel", () => support, (m: AuditCommentMode) => setModes(m, "off")],
    ["Portal", () => portal, (m: AuditCommentMode) => setModes("off", m)],
  ] as const;
  const DOORS = [
    ["form", FORM],
    ["API", HEADER],
  ] as const;

  for (const [audience, who, set] of AUDIENCES) {
    for (const [door, input] of DOORS) {
      describe(`${audience}, ${door}`, () => {
        it("off: a comment sent is ignored, none is fine", async () => {
          await set("off");
          expect(await createWith(who(), input("  Ticket 42 "))).toMatchObject({
            ok: true,
            comment: null,
          });
          expect(await createWith(who())).toMatchObject({ ok: true, comment: null });
          // Off means not read at all: not even refused when it would be invalid.
          expect(await createWith(who(), input("x".repeat(AUDIT_COMMENT_MAX + 1)))).toMatchObject({
            ok: true,
            comment: null,
          });
        });

        it("optional: stored trimmed when given, none is fine", async () => {
          await set("optional");
          expect(await createWith(who(), input("  Ticket 42 "))).toMatchObject({
            ok: true,
            comment: "Ticket 42",
          });
          expect(await createWith(who(), input("   "))).toMatchObject({ ok: true, comment: null });
          expect(await createWith(who())).toMatchObject({ ok: true, comment: null });
        });

        it("required: refused without one, with the error on the field, stored with one", async () => {
          await set("required");
          for (const missing of [undefined, input(null), input(""), input(" \n ")]) {
            const run = await createWith(who(), missing);
            expect(run.ok).toBe(false);
            expect(run.performed.failure).toBe("invalid");
            const field = missing?.field ?? "auditComment";
            expect(run.performed.result).toMatchObject({
              status: "error",
              fieldErrors: {
                [field]: [
                  door === "form" || !missing
                    ? "Give a reason for this change."
                    : "Send the reason for this change in the X-Audit-Comment header.",
                ],
              },
            });
          }
          expect(await createWith(who(), input("Ticket 42"))).toMatchObject({
            ok: true,
            comment: "Ticket 42",
          });
        });

        it("refuses a reason that is too long or holds control characters", async () => {
          await set("optional");
          const long = await createWith(who(), input("x".repeat(AUDIT_COMMENT_MAX + 1)));
          expect(long.ok).toBe(false);
          expect(JSON.stringify(long.performed.result)).toContain(
            `Keep the reason to ${AUDIT_COMMENT_MAX} characters or fewer.`,
          );
          expect(await createWith(who(), input("x".repeat(AUDIT_COMMENT_MAX)))).toMatchObject({
            ok: true,
          });
          const control = await createWith(who(), input("bell\u0007 ring"));
          expect(control.ok).toBe(false);
          expect(JSON.stringify(control.performed.result)).toContain(
            "The reason cannot contain control characters.",
          );
        });
      });
    }
  }

  it("the other audience's mode does not apply", async () => {
    await setModes("off", "required");
    expect(await createWith(support)).toMatchObject({ ok: true, comment: null });
    await setModes("required", "off");
    expect(await createWith(portal)).toMatchObject({ ok: true, comment: null });
  });

  it("keeps line breaks in a form's reason and reports it back after another field fails", async () => {
    await setModes("required", "off");
    expect(await createWith(support, FORM("line one\r\nline two"))).toMatchObject({
      ok: true,
      comment: "line one\nline two",
    });
    const before = await counts();
    const { result } = await perform(createAccount, support, { name: "" }, FORM(""));
    expect(result).toMatchObject({
      status: "error",
      fieldErrors: { name: [expect.any(String)], auditComment: ["Give a reason for this change."] },
    });
    expect(await counts()).toEqual(before);
  });

  it("decodes the header: percent-encoded UTF-8 and raw UTF-8 bytes; refuses bad encoding", async () => {
    await setModes("required", "off");
    expect(await createWith(support, HEADER("Tarif%20corrig%C3%A9%20100%25"))).toMatchObject({
      ok: true,
      comment: "Tarif corrigé 100%",
    });
    // What Node makes of the UTF-8 bytes of "é" sent raw: two Latin-1 characters.
    const raw = Buffer.from("Tarif corrigé", "utf8").toString("latin1");
    expect(await createWith(support, HEADER(raw))).toMatchObject({
      ok: true,
      comment: "Tarif corrigé",
    });
    const bad = await createWith(support, HEADER("50% off"));
    expect(bad.ok).toBe(false);
    expect(bad.performed.result).toMatchObject({
      fieldErrors: {
        "X-Audit-Comment": ["Send X-Audit-Comment as percent-encoded UTF-8 (a literal % as %25)."],
      },
    });
  });
});

describe("the API door", () => {
  let key: string;
  beforeAll(async () => {
    key = await keyFor(db(), admin, "read_write", "Comment key");
  });
  beforeEach(() => setModes("required", "off"));

  const body = (name: string) => ({
    type: "customer",
    name,
    currency: "usd",
    creditLimit: 500,
    channels: 30,
    cps: 5,
  });

  it("answers 422 naming X-Audit-Comment when a reason is required and missing, writing nothing", async () => {
    const before = await counts();
    const res = await callApi(db(), accountEndpoints.create, { key, body: body("No Reason Ltd") });
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { errors?: Record<string, string[]> };
    expect(problem.errors).toEqual({
      "X-Audit-Comment": ["Send the reason for this change in the X-Audit-Comment header."],
    });
    expect(await counts()).toEqual(before);
  });

  it("stores the header's reason on the entry", async () => {
    const res = await callApi(db(), accountEndpoints.create, {
      key,
      body: body("Reasoned Ltd"),
      headers: { "X-Audit-Comment": "New%20customer%20%E2%80%94%20ticket%207" },
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: number };
    const [entry] = await db()
      .select()
      .from(auditLog)
      .where(eq(auditLog.recordPk, String(id)));
    expect(entry).toMatchObject({ tableName: "accounts", comment: "New customer — ticket 7" });
  });

  it("ignores the header when the setting is off", async () => {
    await setModes("off", "off");
    const res = await callApi(db(), accountEndpoints.create, {
      key,
      body: body("Ignored Ltd"),
      headers: { "X-Audit-Comment": "not stored" },
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: number };
    const [entry] = await db()
      .select()
      .from(auditLog)
      .where(eq(auditLog.recordPk, String(id)));
    expect(entry!.comment).toBeNull();
  });

  it("refuses a reason over the limit with 422", async () => {
    const before = await counts();
    const res = await callApi(db(), accountEndpoints.create, {
      key,
      body: body("Long Reason Ltd"),
      headers: { "X-Audit-Comment": "y".repeat(AUDIT_COMMENT_MAX + 1) },
    });
    expect(res.status).toBe(422);
    expect(JSON.stringify(await res.json())).toContain("characters or fewer");
    expect(await counts()).toEqual(before);
  });
});

describe("comment: search", () => {
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    await setModes("optional", "off");
    for (const [name, comment] of [
      ["rate", "Rate fix for TICKET-9001"],
      ["other", "Customer asked by phone"],
      ["none", null],
    ] as const) {
      const run = await createWith(support, comment === null ? undefined : FORM(comment));
      if (run.performed.result.status !== "ok") throw new Error("setup failed");
      ids[name] = run.performed.result.data.auditId;
    }
  });

  async function search(query: string): Promise<string[]> {
    const parsed = parseAuditQuery(query, { timeZone: "UTC" });
    if (!parsed.ok) throw new Error(parsed.error);
    const rows = await db()
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(auditCriteriaCondition(parsed.criteria, AUDIT_COLUMN_KEYS))
      .orderBy(asc(auditLog.id));
    const mine = new Map(Object.entries(ids).map(([k, v]) => [v, k]));
    return rows.flatMap((r) => (mine.has(r.id) ? [mine.get(r.id)!] : []));
  }

  it("finds the comment's text, case-insensitively, any of several values", async () => {
    expect(await search("comment:ticket-9001")).toEqual(["rate"]);
    expect(await search('comment:"BY PHONE"')).toEqual(["other"]);
    expect(await search("comment:ticket-9001,phone")).toEqual(["rate", "other"]);
    expect(await search("comment:nowhere")).toEqual([]);
  });

  it("takes % and _ literally", async () => {
    expect(await search("comment:%")).toEqual([]);
    expect(await search("comment:_")).toEqual([]);
  });

  it("free text matches the comment too", async () => {
    expect(await search("TICKET-9001")).toEqual(["rate"]);
  });
});
