import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { auditLog, emailOutbox } from "@/db/schema";
import { systemActor } from "@/lib/audit/actor";
import { deliverQueued, smtpTransport, type MailTransport } from "@/lib/email/deliver";
import { listOutbox, queueEmail } from "@/lib/email/outbox";
import { invitationEmail } from "@/lib/email/templates";
import { setUpTestDatabase } from "./db";
import { postgresBinaries, startRealPostgres, type RealPostgres } from "./real-postgres";

const database = setUpTestDatabase();

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

  it("with SMTP the transport gets the link, and the outbox and audit log keep it masked", async () => {
    const queued = await queueEmail(database.db, systemActor("test"), mail("mask@example.test"));
    const bodies: string[] = [];
    await deliverQueued(database.db, {
      send: async (m) => {
        bodies.push(m.text);
      },
    });
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toContain("set-password?token=secret-mask@example.test");
    const [row] = await database.db.select().from(emailOutbox).where(eq(emailOutbox.id, queued.id));
    expect(row!.bodyText).toContain("/set-password?token=[masked]");
    expect(row!.bodyText).not.toContain("secret-mask");
    const entries = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tableName, "email_outbox"), eq(auditLog.recordPk, String(queued.id))))
      .orderBy(asc(auditLog.id));
    expect(entries.map((e) => e.action)).toEqual(["SEND", "UPDATE"]);
    expect(JSON.stringify(entries)).not.toContain("secret-mask");
  });
});

/**
 * Two senders (two server actions finishing at once, or two app instances) deliver the same
 * outbox: every message reaches the transport exactly once. They take small batches in a loop so
 * their claims interleave; on PGlite transactions run one at a time, on Postgres side by side.
 */
async function twoSenders(db: Db, prefix: string) {
  const addresses = Array.from({ length: 12 }, (_, i) => `${prefix}-${i}@example.test`);
  for (const to of addresses) await queueEmail(db, systemActor("test"), mail(to));
  const deliveries: string[] = [];
  const transport: MailTransport = {
    send: async (m) => {
      deliveries.push(m.to);
      await new Promise((resolve) => setTimeout(resolve, 5));
    },
  };
  const sender = async () => {
    let sent = 0;
    for (;;) {
      const round = await deliverQueued(db, transport, 2);
      if (round.sent + round.failed === 0) return sent;
      sent += round.sent;
    }
  };
  const [a, b] = await Promise.all([sender(), sender()]);
  const ours = deliveries.filter((to) => to.startsWith(`${prefix}-`));
  expect(ours.sort()).toEqual([...addresses].sort());
  expect(a + b).toBe(addresses.length);
  const rows = await db.select().from(emailOutbox);
  const mine = rows.filter((r) => r.toAddress.startsWith(`${prefix}-`));
  expect(mine.every((r) => r.status === "sent" && r.bodyText.includes("token=[masked]"))).toBe(
    true,
  );
  return { a, b };
}

describe("two concurrent senders (PGlite)", () => {
  it("send every queued message once", async () => {
    await twoSenders(database.db, "pglite");
  });
});

describe.skipIf(!postgresBinaries)("two concurrent senders (real Postgres)", () => {
  let server: RealPostgres;
  beforeAll(async () => {
    server = await startRealPostgres("outbox");
  }, 120_000);
  afterAll(() => server?.stop(), 60_000);

  it("send every queued message once, sharing the work", async () => {
    const { a, b } = await twoSenders(server.database.db, "pg");
    console.info(`two senders on Postgres: ${a} + ${b} messages, each sent once`);
  });
});
