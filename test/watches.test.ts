import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accounts, auditLog, emailOutbox, users, watches, watchState } from "@/db/schema";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { deleteAccount } from "@/lib/accounts/delete-account";
import type { CurrentUser } from "@/lib/auth/session";
import { verifyWebhookSignature, SIGNATURE_HEADER } from "@/lib/webhooks/signature";
import { MAX_WATCHES_PER_USER } from "@/lib/watches/schemas";
import { NOTIFY_CAP, runWatchRound, type WebhookRequest } from "@/lib/watches/notify";
import {
  createWatchOperation,
  deleteWatchOperation,
  updateWatchOperation,
  WATCH_NOT_FOUND,
  type CreatedWatch,
} from "@/lib/watches/watches";
import { setUpTestDatabase } from "./db";
import { insertTestAccount, insertTestUser } from "./factories";
import { asCurrent, insertTestPortalUser, runAs } from "./portal-support";

/**
 * Watches: saved audit searches that notify their owner. CRUD is audited and the owner's own;
 * the notifier runs each search as its owner, after the last notified id, up to the settled
 * horizon, and sends only what the owner's audit page would show them.
 */

const database = setUpTestDatabase();
const db = () => database.db;

let counter = 0;
const uniqueName = (prefix: string) => `${prefix} ${process.pid}-${++counter}`;

async function staff(role: "admin" | "support" | "auditor" | "branding" = "admin") {
  return asCurrent(await insertTestUser(db(), { role }));
}

/** An account renamed by someone at an IP: one UPDATE entry on `accounts`, in the account's log. */
async function rename(accountId: number, name: string, ip = "203.0.113.77") {
  await auditedMutation(db(), systemActor("Ops Bot", { ip }), {
    table: "accounts",
    action: "UPDATE",
    id: accountId,
    change: async (tx) => {
      await tx.update(accounts).set({ name }).where(eq(accounts.id, accountId));
    },
  });
}

async function create(user: CurrentUser, input: Record<string, string>) {
  return runAs(db(), createWatchOperation, user, { channel: "email", ...input });
}

async function createOk(user: CurrentUser, input: Record<string, string>) {
  const result = await create(user, input);
  expect(result).toMatchObject({ status: "ok" });
  return (result as { data: CreatedWatch }).data;
}

const watchRow = async (id: number) =>
  (await db().select().from(watches).where(eq(watches.id, id)))[0];

const snapshot = async () => ({
  watches: await db().select().from(watches).orderBy(watches.id),
  audit: await db().$count(auditLog),
});

const emailsTo = (address: string) =>
  db()
    .select()
    .from(emailOutbox)
    .where(and(eq(emailOutbox.toAddress, address), eq(emailOutbox.kind, "watch")))
    .orderBy(emailOutbox.id);

/** Rounds until the notifier has nothing left to do for now (other tests' watches included). */
const round = (options: Parameters<typeof runWatchRound>[1] = {}) =>
  runWatchRound(db(), { webhook: async () => {}, ...options });

describe("watch CRUD", () => {
  it("creates, updates and deletes a watch, each with its entry, the secret redacted", async () => {
    const admin = await staff();
    const created = await createOk(admin, {
      name: "Route deletions",
      query: "action:DELETE table:ingress_routes",
      channel: "webhook",
      webhookUrl: "https://hooks.example.test/trunkline",
    });
    expect(created.secret).toMatch(/^whsec_/);
    const row = await watchRow(created.id);
    expect(row).toMatchObject({
      ownerUserId: admin.id,
      accountId: null,
      query: "action:DELETE table:ingress_routes",
      webhookSecret: created.secret,
    });

    const update = await runAs(db(), updateWatchOperation, admin, {
      id: String(created.id),
      name: "Route deletions (email)",
      query: "action:DELETE table:ingress_routes",
      channel: "email",
      active: "on",
    });
    expect(update).toMatchObject({ status: "ok" });
    expect(await watchRow(created.id)).toMatchObject({
      channel: "email",
      webhookUrl: null,
      webhookSecret: null,
    });

    expect(await runAs(db(), deleteWatchOperation, admin, { id: created.id })).toMatchObject({
      status: "ok",
    });
    expect(await watchRow(created.id)).toBeUndefined();

    const entries = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tableName, "watches"), eq(auditLog.recordPk, String(created.id))))
      .orderBy(auditLog.id);
    expect(entries.map((e) => e.action)).toEqual(["CREATE", "UPDATE", "DELETE"]);
    expect(entries[0]!.actorLabel).toBe(admin.name);
    expect(JSON.stringify(entries)).not.toContain(created.secret!);
    expect(entries[0]!.after).toMatchObject({ name: "Route deletions" });
    expect(entries[0]!.after!.webhookSecret).not.toBe(created.secret);
  });

  it("puts a portal user's watch in their account's log", async () => {
    const account = await insertTestAccount(db(), "customer");
    const portal = asCurrent(await insertTestPortalUser(db(), account));
    const created = await createOk(portal, { name: "Our routes", query: "table:ingress_routes" });
    expect(await watchRow(created.id)).toMatchObject({ accountId: account.id });
    const [entry] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tableName, "watches"), eq(auditLog.recordPk, String(created.id))));
    expect(entry).toMatchObject({ accountId: account.id, actorLabel: "Portal", action: "CREATE" });
  });

  it("refuses a malformed search with a field error and writes nothing", async () => {
    const admin = await staff();
    const before = await snapshot();
    const result = await create(admin, { name: "Broken", query: 'action:NOPE "unclosed' });
    expect(result).toMatchObject({ status: "error", fieldErrors: { query: [expect.any(String)] } });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a search on a column the user may not use (support and IP)", async () => {
    const support = await staff("support");
    const before = await snapshot();
    const result = await create(support, { name: "IPs", query: "ip:203.0.113.0/24" });
    expect(result).toMatchObject({
      status: "error",
      fieldErrors: { query: ["IP is not among your columns."] },
    });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a webhook without an https URL, and an http one", async () => {
    const admin = await staff();
    const before = await snapshot();
    expect(await create(admin, { name: "Hook", query: "", channel: "webhook" })).toMatchObject({
      status: "error",
      fieldErrors: { webhookUrl: ["Enter the webhook's URL."] },
    });
    expect(
      await create(admin, {
        name: "Hook",
        query: "",
        channel: "webhook",
        webhookUrl: "http://hooks.example.test/",
      }),
    ).toMatchObject({ status: "error", fieldErrors: { webhookUrl: ["Enter an https:// URL."] } });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses users without audit access, and nobody signed in", async () => {
    // A portal role without an account has no audit scope at all (lib/audit/viewer-scope.ts).
    const noAudit: CurrentUser = { ...(await staff()), role: "customer", accountId: null };
    const before = await snapshot();
    expect(await create(noAudit, { name: "x", query: "" })).toMatchObject({
      status: "error",
      error: "Your role does not allow this action.",
    });
    expect(await runAs(db(), createWatchOperation, null, { name: "x" })).toMatchObject({
      status: "error",
      error: "Your session has ended. Sign in again.",
    });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses editing or deleting another user's watch, changing nothing", async () => {
    const owner = await staff();
    const other = await staff();
    const created = await createOk(owner, { name: "Mine", query: "table:accounts" });
    const before = await snapshot();
    expect(
      await runAs(db(), updateWatchOperation, other, {
        id: created.id,
        name: "Taken over",
        query: "",
        channel: "email",
      }),
    ).toMatchObject({ status: "error", error: WATCH_NOT_FOUND });
    expect(await runAs(db(), deleteWatchOperation, other, { id: created.id })).toMatchObject({
      status: "error",
      error: WATCH_NOT_FOUND,
    });
    expect(await snapshot()).toEqual(before);
  });

  it(`keeps at most ${MAX_WATCHES_PER_USER} watches per user`, async () => {
    const admin = await staff();
    for (let i = 0; i < MAX_WATCHES_PER_USER; i++) {
      await createOk(admin, { name: `W${i}`, query: "" });
    }
    const before = await snapshot();
    expect(await create(admin, { name: "One too many", query: "" })).toMatchObject({
      status: "error",
      error: expect.stringContaining(`${MAX_WATCHES_PER_USER} watches`),
    });
    expect(await snapshot()).toEqual(before);
    // Removed so the rest of the file's rounds do not send these.
    const mine = await db().select().from(watches).where(eq(watches.ownerUserId, admin.id));
    for (const w of mine) {
      await runAs(db(), deleteWatchOperation, admin, { id: w.id });
    }
  });
});

describe("the notifier", () => {
  it("emails matching entries once, batched, and leaves out non-matching ones", async () => {
    const admin = await staff();
    const account = await insertTestAccount(db(), "customer");
    const other = await insertTestAccount(db(), "customer");
    await createOk(admin, { name: "Account watch", query: `account:${account.id}` });
    const tagA = uniqueName("Alpha");
    const tagB = uniqueName("Beta");
    const tagOther = uniqueName("Other");
    await rename(account.id, tagA);
    await rename(other.id, tagOther);
    await rename(account.id, tagB);
    await round();
    const mails = await emailsTo(admin.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Watch "Account watch": 2 new audit entries');
    expect(mails[0]!.bodyText).toContain(tagA);
    expect(mails[0]!.bodyText).toContain(tagB);
    expect(mails[0]!.bodyText).not.toContain(tagOther);
    // Admin sees the IP column.
    expect(mails[0]!.bodyText).toContain("203.0.113.77");

    // Once: a second round sends nothing new, and the SEND entry does not trigger anything.
    await round();
    await round();
    expect(await emailsTo(admin.email)).toHaveLength(1);
    const [send] = await db()
      .select()
      .from(auditLog)
      .where(
        and(eq(auditLog.tableName, "email_outbox"), eq(auditLog.recordPk, String(mails[0]!.id))),
      );
    expect(send).toMatchObject({ action: "SEND", actorLabel: "Watches", actorType: "system" });
  });

  it("does not loop: a watch on the outbox ignores the notifier's own emails", async () => {
    const admin = await staff();
    const loopy = await staff();
    await createOk(admin, { name: "Everything by email", query: "table:email_outbox" });
    await createOk(loopy, { name: "Also email", query: "table:email_outbox" });
    await createOk(loopy, { name: "Trigger", query: "table:accounts" });
    const account = await insertTestAccount(db(), "customer");
    await rename(account.id, uniqueName("Looping"));
    for (let i = 0; i < 4; i++) await round();
    expect(await emailsTo(admin.email)).toHaveLength(0);
    // One for "Trigger"; the outbox watches never fire on it.
    expect((await emailsTo(loopy.email)).map((m) => m.subject)).toEqual([
      expect.stringContaining('"Trigger"'),
    ]);
  });

  it(`lists at most ${NOTIFY_CAP} entries and counts the rest`, async () => {
    const admin = await staff();
    const account = await insertTestAccount(db(), "carrier");
    await createOk(admin, { name: "Busy", query: `account:${account.id}` });
    for (let i = 0; i < NOTIFY_CAP + 5; i++) await rename(account.id, `Busy ${counter}-${i}`);
    await round();
    const [mail] = await emailsTo(admin.email);
    expect(mail!.subject).toBe(`Watch "Busy": ${NOTIFY_CAP + 5} new audit entries`);
    expect(mail!.bodyText).toContain("… and 5 more entries.");
    expect(mail!.bodyText.match(/^#\d+/gm)).toHaveLength(NOTIFY_CAP);
  });

  it("keeps a portal user's watch to their account, and hides the IP they may not see", async () => {
    const mine = await insertTestAccount(db(), "customer");
    const theirs = await insertTestAccount(db(), "customer");
    const portal = asCurrent(await insertTestPortalUser(db(), mine));
    await createOk(portal, { name: "All changes", query: "" });
    const ours = uniqueName("Ours");
    const notOurs = uniqueName("NotOurs");
    await rename(theirs.id, notOurs, "198.51.100.201");
    await rename(mine.id, ours, "198.51.100.202");
    await round();
    const mails = await emailsTo(portal.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.bodyText).toContain(ours);
    expect(mails[0]!.bodyText).not.toContain(notOurs);
    expect(mails[0]!.bodyText).not.toContain("198.51.100.20");
    // The SEND entry is in the owner's account's log.
    const [send] = await db()
      .select()
      .from(auditLog)
      .where(
        and(eq(auditLog.tableName, "email_outbox"), eq(auditLog.recordPk, String(mails[0]!.id))),
      );
    expect(send!.accountId).toBe(mine.id);
  });

  it("never sends a support user the IP column", async () => {
    const support = await staff("support");
    const account = await insertTestAccount(db(), "customer");
    await createOk(support, { name: "Support watch", query: `account:${account.id}` });
    await rename(account.id, uniqueName("Seen"), "192.0.2.123");
    await round();
    const [mail] = await emailsTo(support.email);
    expect(mail!.bodyText).toContain("Seen");
    expect(mail!.bodyText).not.toContain("192.0.2.123");
  });

  it("sends a disabled owner nothing, and does not catch up when they are back", async () => {
    const admin = await staff();
    const account = await insertTestAccount(db(), "customer");
    await createOk(admin, { name: "Paused owner", query: `account:${account.id}` });
    const setStatus = (status: "active" | "disabled") =>
      auditedMutation(db(), systemActor("test"), {
        table: "users",
        action: "UPDATE",
        id: admin.id,
        change: async (tx) => {
          await tx.update(users).set({ status }).where(eq(users.id, admin.id));
        },
      });
    await setStatus("disabled");
    await rename(account.id, uniqueName("WhileDisabled"));
    await round();
    expect(await emailsTo(admin.email)).toHaveLength(0);
    await setStatus("active");
    await round();
    expect(await emailsTo(admin.email)).toHaveLength(0);
    await rename(account.id, uniqueName("AfterReturn"));
    await round();
    const mails = await emailsTo(admin.email);
    expect(mails).toHaveLength(1);
    // Only the change made after their return (its message names the old name, hence no
    // check on the word itself).
    expect(mails[0]!.subject).toBe('Watch "Paused owner": 1 new audit entry');
  });

  it("stops when the owner loses the permission: a role without those tables' entries", async () => {
    const user = await staff();
    const account = await insertTestAccount(db(), "customer");
    await createOk(user, { name: "Was admin", query: `account:${account.id}` });
    await auditedMutation(db(), systemActor("test"), {
      table: "users",
      action: "UPDATE",
      id: user.id,
      change: async (tx) => {
        await tx.update(users).set({ role: "branding" }).where(eq(users.id, user.id));
      },
    });
    await rename(account.id, uniqueName("NotBranding"));
    await round();
    expect(await emailsTo(user.email)).toHaveLength(0);
  });

  it("posts a signed webhook; a failing receiver is retried later without losing or repeating", async () => {
    const admin = await staff();
    const account = await insertTestAccount(db(), "customer");
    const created = await createOk(admin, {
      name: "Hooked",
      query: `account:${account.id}`,
      channel: "webhook",
      webhookUrl: "https://receiver.example.test/hook",
    });
    const received: WebhookRequest[] = [];
    let failing = true;
    const webhook = async (request: WebhookRequest) => {
      if (request.url !== "https://receiver.example.test/hook") return;
      if (failing) throw new Error("connection refused");
      received.push(request);
    };
    const first = uniqueName("First");
    await rename(account.id, first);
    await round({ webhook });
    const [state] = await db().select().from(watchState).where(eq(watchState.watchId, created.id));
    expect(state).toMatchObject({ failures: 1, lastError: "Webhook failed: connection refused" });
    expect(state!.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now());

    // Backing off: an immediate round does not try again.
    failing = false;
    await round({ webhook });
    expect(received).toHaveLength(0);

    const second = uniqueName("Second");
    await rename(account.id, second);
    const later = () => new Date(Date.now() + 5 * 60_000);
    await round({ webhook, now: later });
    await round({ webhook, now: later });
    expect(received).toHaveLength(1);
    const body = JSON.parse(received[0]!.body) as {
      watch: { id: number };
      entries: { id: number; message: string }[];
      more: number;
    };
    expect(body.watch.id).toBe(created.id);
    expect(body.entries.map((e) => e.message)).toEqual([
      expect.stringContaining(first),
      expect.stringContaining(second),
    ]);
    expect(body.more).toBe(0);
    expect(
      verifyWebhookSignature(
        created.secret!,
        received[0]!.body,
        received[0]!.headers[SIGNATURE_HEADER],
      ),
    ).toMatchObject({ ok: true });
    expect(
      verifyWebhookSignature(
        "another-secret-entirely",
        received[0]!.body,
        received[0]!.headers[SIGNATURE_HEADER],
      ),
    ).toMatchObject({ ok: false });
    const [after] = await db().select().from(watchState).where(eq(watchState.watchId, created.id));
    expect(after).toMatchObject({ failures: 0, lastError: null });
  });

  it("does not notify about entries from before the watch existed", async () => {
    const admin = await staff();
    const account = await insertTestAccount(db(), "customer");
    const old = uniqueName("Old");
    await rename(account.id, old);
    await createOk(admin, { name: "Fresh", query: `account:${account.id}` });
    await round();
    expect(await emailsTo(admin.email)).toHaveLength(0);
  });

  it("posts over HTTP to a loopback receiver: a 503 is retried, then delivered once", async () => {
    const admin = await staff();
    const account = await insertTestAccount(db(), "customer");
    const created = await createOk(admin, {
      name: "Loopback",
      query: `account:${account.id}`,
      channel: "webhook",
      webhookUrl: "https://receiver.example.test/loopback",
    });
    const bodies: { body: string; signature: string | undefined }[] = [];
    let status = 503;
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        if (status === 200) {
          const header = req.headers["x-trunkline-signature"];
          bodies.push({ body, signature: Array.isArray(header) ? header[0] : header });
        }
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      // The form takes https only; the loopback receiver speaks http, so the row is set directly
      // through the audited core.
      await auditedMutation(db(), systemActor("test"), {
        table: "watches",
        action: "UPDATE",
        id: created.id,
        change: async (tx) => {
          await tx
            .update(watches)
            .set({ webhookUrl: `http://127.0.0.1:${port}/hook` })
            .where(eq(watches.id, created.id));
        },
      });
      const marker = uniqueName("Loop");
      await rename(account.id, marker);
      await runWatchRound(db());
      const [state] = await db()
        .select()
        .from(watchState)
        .where(eq(watchState.watchId, created.id));
      expect(state).toMatchObject({
        failures: 1,
        lastError: "Webhook failed: The receiver answered HTTP 503.",
      });
      status = 200;
      const later = () => new Date(Date.now() + 5 * 60_000);
      await runWatchRound(db(), { now: later });
      await runWatchRound(db(), { now: later });
      expect(bodies).toHaveLength(1);
      expect(bodies[0]!.body).toContain(marker);
      expect(
        verifyWebhookSignature(created.secret!, bodies[0]!.body, bodies[0]!.signature),
      ).toMatchObject({ ok: true });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("deletes a portal user's watches with their account, each with its DELETE entry", async () => {
    const account = await insertTestAccount(db(), "customer");
    const portal = asCurrent(await insertTestPortalUser(db(), account));
    const created = await createOk(portal, { name: "Going away", query: "" });
    await deleteAccount(db(), systemActor("test"), account.id);
    expect(await watchRow(created.id)).toBeUndefined();
    const [entry] = await db()
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.tableName, "watches"),
          eq(auditLog.recordPk, String(created.id)),
          eq(auditLog.action, "DELETE"),
        ),
      );
    expect(entry?.message).toContain("Going away");
  });
});
