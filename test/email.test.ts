import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, emailOutbox } from "@/db/schema";
import { systemActor } from "@/lib/audit/actor";
import { deliverQueued, smtpTransport, type MailTransport } from "@/lib/email/deliver";
import { listOutbox, queueEmail } from "@/lib/email/outbox";
import { invitationEmail } from "@/lib/email/templates";
import { createTestDatabase } from "./db";

const db$ = createTestDatabase();
let database: Awaited<typeof db$>;
beforeAll(async () => {
  database = await db$;
});
afterAll(() => database.close());

const mail = (to: string) =>
  invitationEmail({
    name: "Ann",
    email: to,
    userId: 7,
    accountId: null,
    link: `https://t.example/set-password?token=secret-${to}`,
  });

describe("outbox", () => {
  it("queues with a SEND entry whose data hides the body (it carries the link)", async () => {
    const row = await queueEmail(database.db, systemActor("test"), mail("ann@example.test"));
    expect(row).toMatchObject({
      status: "queued",
      kind: "invitation",
      toAddress: "ann@example.test",
    });
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.recordPk, String(row.id)));
    expect(entry).toMatchObject({
      action: "SEND",
      tableName: "email_outbox",
      message: "Sent invitation email to ann@example.test",
    });
    expect(JSON.stringify(entry)).not.toContain("secret-ann@example.test");
    const [newest] = await listOutbox(database.db);
    expect(newest?.bodyText).toContain("secret-ann@example.test");
  });

  it("without SMTP_URL there is no transport and mail stays queued", async () => {
    expect(await smtpTransport({})).toBeNull();
    expect(await deliverQueued(database.db, null)).toEqual({ sent: 0, failed: 0 });
    const queued = await database.db
      .select()
      .from(emailOutbox)
      .where(eq(emailOutbox.status, "queued"));
    expect(queued.length).toBeGreaterThan(0);
  });

  it("delivers queued mail and records sent or failed with the error", async () => {
    await queueEmail(database.db, systemActor("test"), mail("bounce@example.test"));
    const sent: string[] = [];
    const transport: MailTransport = {
      send: async (m) => {
        if (m.to.startsWith("bounce")) throw new Error("550 mailbox unavailable");
        sent.push(m.to);
      },
    };
    const result = await deliverQueued(database.db, transport);
    expect(result).toEqual({ sent: 1, failed: 1 });
    expect(sent).toEqual(["ann@example.test"]);
    const rows = await database.db.select().from(emailOutbox);
    expect(rows.find((r) => r.toAddress === "ann@example.test")).toMatchObject({
      status: "sent",
      error: null,
    });
    expect(rows.find((r) => r.toAddress === "bounce@example.test")).toMatchObject({
      status: "failed",
      error: "550 mailbox unavailable",
    });
    expect((await deliverQueued(database.db, transport)).sent).toBe(0);
  });
});
