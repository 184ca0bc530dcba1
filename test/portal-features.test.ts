import { desc, eq } from "drizzle-orm";
import type { z } from "zod";
import { beforeAll, describe, expect, it } from "vitest";
import { portalNavFor } from "@/app/portal/nav";
import {
  accounts,
  auditLog,
  columnPreferences,
  emailOutbox,
  portalBranding,
  users,
  watches,
} from "@/db/schema";
import { performOperation, type Operation } from "@/lib/actions/operation";
import { accountEndpoints } from "@/lib/api/v1/accounts";
import { auditLogEndpoints } from "@/lib/api/v1/audit-log";
import { breakoutEndpoints } from "@/lib/api/v1/breakout";
import { cdrEndpoints } from "@/lib/api/v1/cdrs";
import { userEndpoints } from "@/lib/api/v1/users";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { actorForUser } from "@/lib/auth/actor-for-user";
import type { CurrentUser } from "@/lib/auth/session";
import { draftStatus, publishOperation, saveDraftOperation } from "@/lib/branding/draft";
import { DEFAULT_BRANDING, snapshotOf } from "@/lib/branding/fields";
import { draftFormValues, getDraft, latestPublished } from "@/lib/branding/queries";
import { replaceDraftSchema, saveDraftSchema } from "@/lib/branding/schemas";
import {
  saveBreakoutColumnsPreferenceOperation,
  saveCdrFieldsPreferenceOperation,
} from "@/lib/cdrs/save-preference";
import { deliverQueued, fromHeader, type MailTransport } from "@/lib/email/deliver";
import { queueEmail } from "@/lib/email/outbox";
import { invitationEmail } from "@/lib/email/templates";
import { updateContactOperation } from "@/lib/portal/contact";
import { hiddenPortalFeatureResponse, requirePortalFeature } from "@/lib/portal/feature-gate";
import { HIDDEN_SECTION_MESSAGE, portalFeatures } from "@/lib/portal/features";
import { invitePortalUserOperation, setPortalUserStatusOperation } from "@/lib/portal/users";
import { saveAuditColumnsOperation } from "@/lib/visibility/save-preference";
import {
  createWatchOperation,
  deleteWatchOperation,
  updateWatchOperation,
} from "@/lib/watches/watches";
import { callApi, keyFor } from "./api-support";
import { setUpTestDatabase } from "./db";
import { insertTestAccount, insertTestUser } from "./factories";
import { asCurrent, insertTestPortalUser, REQUEST, runAs } from "./portal-support";
import { TEST_BASE_URL } from "./run-action";

/**
 * Portal feature switches: which sections the PUBLISHED branding shows decides the portal's nav,
 * its pages and exports (404), the sections' operations and the API reads of portal keys. Staff
 * are unaffected. The sender of portal users' mail comes from the published branding too.
 */

const database = setUpTestDatabase();
const db = () => database.db;

const draft = async () => (await getDraft(db()))!;

const SWITCHES = [
  "showBalance",
  "showCdrs",
  "showBreakout",
  "showAuditLog",
  "showUsers",
  "showContact",
] as const;

let admin: CurrentUser;
let portalAdmin: CurrentUser;
let colleague: CurrentUser;
let account: typeof accounts.$inferSelect;

beforeAll(async () => {
  await auditedMutation(db(), systemActor("test"), {
    table: "portal_branding",
    action: "CREATE",
    change: async (tx) => {
      await tx.insert(portalBranding).values({ id: 1 });
      return 1;
    },
  });
  admin = asCurrent(await insertTestUser(db(), { role: "admin" }));
  account = await insertTestAccount(db(), "customer");
  portalAdmin = asCurrent(await insertTestPortalUser(db(), account, { admin: true }));
  colleague = asCurrent(await insertTestPortalUser(db(), account));
});

/** Saves the draft form as the page renders it with `changes`, then publishes it. */
async function publishForm(changes: Record<string, string | undefined>) {
  const form: Record<string, string | undefined> = {
    ...draftFormValues(await draft()),
    ...changes,
  };
  for (const [k, v] of Object.entries(form)) if (v === undefined) delete form[k];
  const saved = await runAs(db(), saveDraftOperation, admin, form);
  expect(saved.status).toBe("ok");
  // Already live (a test before this one failed before restoring): nothing to publish.
  if (draftStatus(snapshotOf(await draft()), await latestPublished(db())).kind === "matches")
    return;
  const published = await runAs(db(), publishOperation, admin, {
    version: String((await draft()).version),
  });
  expect(published.status).toBe("ok");
}

/** Unticks every switch (a cleared checkbox is not submitted) or ticks them all, and publishes. */
const hideAll = () => publishForm(Object.fromEntries(SWITCHES.map((f) => [f, undefined])));
const showAll = () => publishForm(Object.fromEntries(SWITCHES.map((f) => [f, "on"])));

describe("the draft form's checkboxes and the API's booleans", () => {
  const base = {
    portalName: "P",
    primaryColor: "#112233",
    accentColor: "#112233",
    base_portalName: "P",
    base_primaryColor: "#112233",
    base_accentColor: "#112233",
  };

  it("reads a ticked box as shown, an absent one as hidden, and the base as loaded", () => {
    const parsed = saveDraftSchema.parse({
      ...base,
      showCdrs: "on",
      base_showCdrs: "off",
      base_showUsers: "on",
    });
    expect(parsed.edited.showCdrs).toBe(true);
    expect(parsed.base.showCdrs).toBe(false);
    expect(parsed.edited.showUsers).toBe(false);
    expect(parsed.base.showUsers).toBe(true);
  });

  it("refuses a checkbox value other than on/off with a field error", () => {
    const parsed = saveDraftSchema.safeParse({ ...base, showCdrs: "yes" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(["showCdrs"]);
  });

  it("keeps a switch the API body leaves out (or sends null) shown, and refuses a non-boolean", () => {
    const parsed = replaceDraftSchema.parse({ ...base, showCdrs: false, version: 1 });
    expect(parsed.edited.showCdrs).toBe(false);
    expect(parsed.edited.showBalance).toBe(true);
    expect(replaceDraftSchema.safeParse({ ...base, showCdrs: "false", version: 1 }).success).toBe(
      false,
    );
  });

  it("refuses a sender name with a line break (it would add mail headers) and a bad address", () => {
    const parsed = saveDraftSchema.safeParse({
      ...base,
      emailSenderName: "Acme\r\nBcc: x@example.test",
      emailSenderAddress: "not-an-address",
    });
    expect(parsed.error?.issues.map((i) => i.path[0]).sort()).toEqual([
      "emailSenderAddress",
      "emailSenderName",
    ]);
  });

  it("reads a version published before the switches existed as every section shown, platform sender", () => {
    const old = snapshotOf({ portalName: "Old", primaryColor: "#000000" });
    for (const f of SWITCHES) expect(old[f]).toBe(true);
    expect(old.emailSenderName).toBeNull();
    expect(old.emailSenderAddress).toBeNull();
    expect(snapshotOf({ showCdrs: false }).showCdrs).toBe(false);
  });
});

describe("the features reader", () => {
  it("shows everything before any publish, and follows the published branding, not the draft", async () => {
    expect(await latestPublished(db())).toBeNull();
    expect(Object.values(await portalFeatures(db())).every(Boolean)).toBe(true);

    const form = { ...draftFormValues(await draft()) };
    delete form.showCdrs;
    expect((await runAs(db(), saveDraftOperation, admin, form)).status).toBe("ok");
    expect((await draft()).showCdrs).toBe(false);
    expect((await portalFeatures(db())).cdrs).toBe(true);

    await publishForm({});
    expect(await portalFeatures(db())).toEqual({
      balance: true,
      cdrs: false,
      breakout: true,
      auditLog: true,
      users: true,
      contact: true,
    });
    await showAll();
  });

  it("records the change in the audit log with the field's words, and the publish names it", async () => {
    await publishForm({ showBreakout: undefined });
    const entries = await db().select().from(auditLog).orderBy(desc(auditLog.id)).limit(2);
    expect(entries[0]).toMatchObject({
      tableName: "branding_versions",
      action: "PUBLISH",
      message: expect.stringContaining("(portal breakout report shown)"),
    });
    expect(entries[1]).toMatchObject({ tableName: "portal_branding", action: "UPDATE" });
    expect(entries[1]!.message).toContain("portal breakout report shown");
    await showAll();
  });

  it("drops hidden sections from the nav", async () => {
    await publishForm({ showCdrs: undefined, showContact: undefined });
    const hrefs = portalNavFor({ portalAdmin: true }, await portalFeatures(db())).map(
      (i) => i.href,
    );
    expect(hrefs).not.toContain("/portal/cdrs");
    expect(hrefs).not.toContain("/portal/contact");
    expect(hrefs).toContain("/portal/reports/breakout");
    expect(hrefs).toContain("/portal/profile");
    await showAll();
  });
});

/** Everything a refused portal action could have written. */
const everything = async () => ({
  audit: await db().$count(auditLog),
  account: (await db().select().from(accounts).where(eq(accounts.id, account.id)))[0],
  users: await db().select().from(users).orderBy(users.id),
  outbox: await db().$count(emailOutbox),
  preferences: await db().select().from(columnPreferences),
  watches: await db().select().from(watches),
});

const perform = <S extends z.ZodType, T>(
  op: Operation<S, T>,
  user: CurrentUser,
  raw: Record<string, unknown>,
) =>
  performOperation(
    op,
    {
      user,
      db: db(),
      actor: async (u) => actorForUser(u, REQUEST),
      baseUrl: async () => TEST_BASE_URL,
    },
    raw,
  );

describe("hidden sections are refused by the server", () => {
  it("answers 404 for a hidden section's pages and exports, and nothing when shown", async () => {
    await hideAll();
    await expect(requirePortalFeature("cdrs", db())).rejects.toMatchObject({
      digest: expect.stringContaining("404"),
    });
    for (const f of ["cdrs", "breakout", "auditLog"] as const) {
      const res = await hiddenPortalFeatureResponse(f, db());
      expect(res?.status).toBe(404);
      expect(await res?.text()).toBe(HIDDEN_SECTION_MESSAGE);
    }
    await showAll();
    await expect(requirePortalFeature("cdrs", db())).resolves.toBeUndefined();
    expect(await hiddenPortalFeatureResponse("cdrs", db())).toBeNull();
  });

  it("refuses each hidden section's actions to portal users as not found, changing nothing", async () => {
    await hideAll();
    const before = await everything();
    const contact = { version: String(account.version), billingEmail: "x@example.test" };
    const edit = { id: "1", name: "W", query: "", channel: "email" };
    const attempts = [
      perform(updateContactOperation, portalAdmin, contact),
      perform(invitePortalUserOperation, portalAdmin, { name: "New", email: "new@example.test" }),
      perform(setPortalUserStatusOperation, portalAdmin, {
        id: String(colleague.id),
        status: "disabled",
      }),
      perform(createWatchOperation, portalAdmin, { name: "W", query: "", channel: "email" }),
      perform(updateWatchOperation, portalAdmin, edit),
      perform(deleteWatchOperation, portalAdmin, { id: "1" }),
      perform(saveAuditColumnsOperation, portalAdmin, { "visible[]": ["occurredAt", "message"] }),
      perform(saveCdrFieldsPreferenceOperation, portalAdmin, { "visible[]": ["ref"] }),
      perform(saveBreakoutColumnsPreferenceOperation, portalAdmin, {
        "visible[]": ["destination"],
      }),
    ];
    for (const done of await Promise.all(attempts)) {
      expect(done.failure).toBe("not_found");
      expect(done.result).toMatchObject({ status: "error", error: HIDDEN_SECTION_MESSAGE });
    }
    expect(await everything()).toEqual(before);
    await showAll();
  });

  it("leaves staff alone: the same operation works in the Control Panel while the portal hides it", async () => {
    await hideAll();
    const done = await perform(saveAuditColumnsOperation, admin, {
      "visible[]": ["occurredAt", "message"],
    });
    expect(done.result.status).toBe("ok");
    await showAll();
  });

  it("lets the actions run again once the section is shown", async () => {
    await showAll();
    const done = await perform(saveAuditColumnsOperation, portalAdmin, {
      "visible[]": ["occurredAt", "message"],
    });
    expect(done.result.status).toBe("ok");
    expect(await db().$count(columnPreferences, eq(columnPreferences.userId, portalAdmin.id))).toBe(
      1,
    );
  });

  it("answers a portal key's reads of hidden sections with 404 and drops the hidden balance; staff keys are unaffected", async () => {
    const portalRow = (await db().select().from(users).where(eq(users.id, portalAdmin.id)))[0]!;
    const staffRow = (await db().select().from(users).where(eq(users.id, admin.id)))[0]!;
    const portalKey = await keyFor(db(), portalRow, "read", "Portal reads");
    const staffKey = await keyFor(db(), staffRow, "read", "Staff reads");
    const reads = [
      { endpoint: cdrEndpoints.list },
      { endpoint: breakoutEndpoints.report },
      { endpoint: auditLogEndpoints.list },
      { endpoint: userEndpoints.list },
    ];
    const shown = await Promise.all(
      reads.map(async (r) => (await callApi(db(), r.endpoint, { key: portalKey })).status),
    );
    expect(shown.every((s) => s !== 404)).toBe(true);

    await hideAll();
    for (const r of reads) {
      const res = await callApi(db(), r.endpoint, { key: portalKey });
      expect(res.status).toBe(404);
      expect(JSON.stringify(await res.json())).toContain(HIDDEN_SECTION_MESSAGE);
      expect((await callApi(db(), r.endpoint, { key: staffKey })).status).not.toBe(404);
    }
    const own = await callApi(db(), accountEndpoints.get, {
      key: portalKey,
      params: { id: String(account.id) },
    });
    expect(own.status).toBe(200);
    expect(await own.json()).not.toHaveProperty("balance");
    const staffView = await callApi(db(), accountEndpoints.get, {
      key: staffKey,
      params: { id: String(account.id) },
    });
    expect(await staffView.json()).toHaveProperty("balance");
    await showAll();
    const again = await callApi(db(), accountEndpoints.get, {
      key: portalKey,
      params: { id: String(account.id) },
    });
    expect(await again.json()).toHaveProperty("balance");
  });
});

describe("the sender of portal users' mail", () => {
  it("puts the branding's name and address in place of the platform's, each only where set", () => {
    const platform = "Trunkline <no-reply@trunkline.invalid>";
    expect(fromHeader(platform)).toBe(platform);
    expect(fromHeader(platform, { name: null, address: null })).toBe(platform);
    expect(fromHeader(platform, { name: "Acme Voice", address: "noc@acme.example" })).toEqual({
      name: "Acme Voice",
      address: "noc@acme.example",
    });
    expect(fromHeader(platform, { name: "Acme Voice", address: null })).toEqual({
      name: "Acme Voice",
      address: "no-reply@trunkline.invalid",
    });
    expect(fromHeader(platform, { name: null, address: "noc@acme.example" })).toBe(
      "noc@acme.example",
    );
    expect(fromHeader("ops@example.test", { name: "Acme", address: null })).toEqual({
      name: "Acme",
      address: "ops@example.test",
    });
  });

  it("sends portal users' mail under the PUBLISHED sender and staff mail under the platform's", async () => {
    await publishForm({ emailSenderName: "Acme Voice", emailSenderAddress: "noc@acme.example" });
    // A draft change is not live until published.
    const form = { ...draftFormValues(await draft()), emailSenderName: "Draft Only" };
    expect((await runAs(db(), saveDraftOperation, admin, form)).status).toBe("ok");

    const queue = (to: string, accountId: number | null) =>
      queueEmail(
        db(),
        systemActor("test"),
        invitationEmail({ name: "Ann", email: to, userId: 7, accountId, link: "https://t/x" }),
      );
    await queue("portal@acme.example", account.id);
    await queue("staff@example.test", null);
    const sent: { to: string; from?: unknown }[] = [];
    const transport: MailTransport = {
      send: async (m) => {
        sent.push({ to: m.to, ...(m.from ? { from: m.from } : {}) });
      },
    };
    await deliverQueued(db(), transport);
    expect(sent).toEqual([
      { to: "portal@acme.example", from: { name: "Acme Voice", address: "noc@acme.example" } },
      { to: "staff@example.test" },
    ]);
    expect(DEFAULT_BRANDING.emailSenderAddress).toBeNull();
  });
});
