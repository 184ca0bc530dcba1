import { asc, eq } from "drizzle-orm";
import { createTransport } from "nodemailer";
import type { Db } from "@/db/client";
import { emailOutbox } from "@/db/schema";
import { systemActor, type ActorContext } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { emailSenderOf, type EmailSender } from "@/lib/branding/fields";
import { publishedSnapshot } from "@/lib/branding/queries";
import { maskSetPasswordTokens } from "@/lib/users/tokens";

/** What delivery needs from a mail library; tests pass a fake, production uses nodemailer. */
export type MailTransport = {
  /** `from`: the branding's sender, on mail to portal users; absent: the platform's sender. */
  send: (mail: { to: string; subject: string; text: string; from?: EmailSender }) => Promise<void>;
};

const PLATFORM_FROM = "Trunkline <no-reply@trunkline.invalid>";

/**
 * The From header: the platform's (SMTP_FROM), with the branding's name and address in place of
 * its own where set. A name alone keeps the platform's address, so mail is still sent from a
 * domain the SMTP server may send for.
 */
export function fromHeader(
  platform: string,
  branded?: EmailSender,
): string | { name: string; address: string } {
  if (!branded || (!branded.name && !branded.address)) return platform;
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(platform);
  const platformAddress = match ? match[2]!.trim() : platform.trim();
  const address = branded.address ?? platformAddress;
  const name = branded.name ?? (branded.address ? "" : (match?.[1]?.trim() ?? ""));
  return name ? { name, address } : address;
}

/** An SMTP transport when SMTP_URL is set; null means mail stays in the outbox (demo mode). */
export async function smtpTransport(
  env: Record<string, string | undefined> = process.env,
): Promise<MailTransport | null> {
  const url = env.SMTP_URL?.trim();
  if (!url) return null;
  const transporter = createTransport(url);
  const platform = env.SMTP_FROM?.trim() || PLATFORM_FROM;
  return {
    send: async ({ from, ...mail }) => {
      await transporter.sendMail({ ...mail, from: fromHeader(platform, from) });
    },
  };
}

type ClaimedMail = typeof emailOutbox.$inferSelect;

/**
 * Claims up to `limit` queued messages, oldest first, for this sender alone: rows another sender
 * holds are skipped (FOR UPDATE SKIP LOCKED), and each claimed row is marked sent, and its
 * set-password link masked, in the claiming transaction. A second sender, in this process or
 * another, can no longer see them as queued, so no message is sent twice. The bodies come back
 * unmasked, in memory only, for the transport.
 */
async function claimQueued(db: Db, actor: ActorContext, limit: number): Promise<ClaimedMail[]> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(emailOutbox)
      .where(eq(emailOutbox.status, "queued"))
      .orderBy(asc(emailOutbox.id))
      .limit(limit)
      .for("update", { skipLocked: true });
    for (const mail of rows) {
      // The outbox is an audited table: its status changes go through the core like any write.
      await auditedMutation(tx, actor, {
        table: "email_outbox",
        action: "UPDATE",
        id: mail.id,
        change: async (t) => {
          await t
            .update(emailOutbox)
            .set({
              status: "sent",
              sentAt: new Date(),
              error: null,
              bodyText: maskSetPasswordTokens(mail.bodyText),
            })
            .where(eq(emailOutbox.id, mail.id));
        },
        message: () => `Sending email to ${mail.toAddress} over SMTP`,
      });
    }
    return rows;
  });
}

/**
 * Sends queued mail, oldest first, and records each outcome. A message is marked sent when it is
 * claimed, before the transport is called, so it is sent at most once: a failure turns it to
 * failed with the error; a crash in between leaves it marked sent, unsent. The link inside is
 * masked once claimed, so a failed message's link is gone too: issue a new one.
 * Without a transport it does nothing: the messages wait in the outbox, readable by admins.
 */
export async function deliverQueued(
  db: Db,
  transport: MailTransport | null,
  limit = 50,
): Promise<{ sent: number; failed: number }> {
  const counts = { sent: 0, failed: 0 };
  if (!transport) return counts;
  const actor = systemActor("Mailer");
  const claimed = await claimQueued(db, actor, limit);
  // Mail to a portal account's users goes out under the portal's published sender.
  // Only the sender is needed: the snapshot, not the portal's whole view (images and all).
  const portalSender = claimed.some((m) => m.accountId !== null)
    ? emailSenderOf((await publishedSnapshot(db)).snapshot)
    : null;
  for (const mail of claimed) {
    const from = mail.accountId !== null ? (portalSender ?? undefined) : undefined;
    try {
      await transport.send({
        to: mail.toAddress,
        subject: mail.subject,
        text: mail.bodyText,
        ...(from ? { from } : {}),
      });
      counts.sent++;
      continue;
    } catch (err) {
      const error = (err instanceof Error ? err.message : String(err)).slice(0, 500);
      await auditedMutation(db, actor, {
        table: "email_outbox",
        action: "UPDATE",
        id: mail.id,
        change: async (tx) => {
          await tx
            .update(emailOutbox)
            .set({ status: "failed", sentAt: null, error })
            .where(eq(emailOutbox.id, mail.id));
        },
        message: () => `Could not deliver email to ${mail.toAddress}`,
      });
      counts.failed++;
    }
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
