import { asc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { emailOutbox } from "@/db/schema";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";

/** What delivery needs from a mail library; tests pass a fake, production uses nodemailer. */
export type MailTransport = {
  send: (mail: { to: string; subject: string; text: string }) => Promise<void>;
};

// The few nodemailer members used here, so this file type-checks whether or not it is installed.
type NodemailerModule = {
  createTransport: (url: string) => {
    sendMail: (mail: {
      from: string;
      to: string;
      subject: string;
      text: string;
    }) => Promise<unknown>;
  };
};

/** An SMTP transport when SMTP_URL is set; null means mail stays in the outbox (demo mode). */
export async function smtpTransport(
  env: Record<string, string | undefined> = process.env,
): Promise<MailTransport | null> {
  const url = env.SMTP_URL?.trim();
  if (!url) return null;
  // A computed specifier keeps bundlers and tsc from requiring the optional package at build time.
  const nodemailer = (await import("nodemailer" as string)) as NodemailerModule & {
    default?: NodemailerModule;
  };
  const transporter = (nodemailer.default ?? nodemailer).createTransport(url);
  const from = env.SMTP_FROM?.trim() || "Trunkline <no-reply@trunkline.invalid>";
  return {
    send: async (mail) => {
      await transporter.sendMail({ from, ...mail });
    },
  };
}

/**
 * Sends queued mail, oldest first, and records each outcome (sent, or failed with the error).
 * Without a transport it does nothing: the messages wait in the outbox, readable by admins.
 */
export async function deliverQueued(
  db: Db,
  transport: MailTransport | null,
  limit = 50,
): Promise<{ sent: number; failed: number }> {
  const counts = { sent: 0, failed: 0 };
  if (!transport) return counts;
  const queued = await db
    .select()
    .from(emailOutbox)
    .where(eq(emailOutbox.status, "queued"))
    .orderBy(asc(emailOutbox.id))
    .limit(limit);
  const actor = systemActor("Mailer");
  for (const mail of queued) {
    let error: string | null = null;
    try {
      await transport.send({ to: mail.toAddress, subject: mail.subject, text: mail.bodyText });
    } catch (err) {
      error = (err instanceof Error ? err.message : String(err)).slice(0, 500);
    }
    // The outbox is an audited table: its status changes go through the core like any write.
    await auditedMutation(db, actor, {
      table: "email_outbox",
      action: "UPDATE",
      id: mail.id,
      change: async (tx) => {
        await tx
          .update(emailOutbox)
          .set(
            error === null
              ? { status: "sent", sentAt: new Date(), error: null }
              : { status: "failed", error },
          )
          .where(eq(emailOutbox.id, mail.id));
      },
      message: () =>
        error === null
          ? `Delivered email to ${mail.toAddress}`
          : `Could not deliver email to ${mail.toAddress}`,
    });
    counts[error === null ? "sent" : "failed"]++;
  }
  return counts;
}

/** After queueing: delivers at once when SMTP is configured; never fails the caller's action. */
export async function deliverQueuedSoon(db: Db): Promise<void> {
  try {
    await deliverQueued(db, await smtpTransport());
  } catch (err) {
    console.error("[mail] delivery failed:", err instanceof Error ? err.message : err);
  }
}
