import { desc } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { emailOutbox } from "@/db/schema";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";

export type EmailKind = "invitation" | "password_reset" | "watch";

export type OutgoingEmail = {
  kind: EmailKind;
  toAddress: string;
  subject: string;
  bodyText: string;
  userId: number | null;
  accountId: number | null;
};

const KIND_WORDS: Record<EmailKind, string> = {
  invitation: "invitation",
  password_reset: "password reset",
  watch: "watch notification",
};

/** The SEND entry's message: what was sent to whom (never the body, which may hold a link). */
export const emailSentMessage = (email: Pick<OutgoingEmail, "kind" | "toAddress">) =>
  `Sent ${KIND_WORDS[email.kind]} email to ${email.toAddress}`;

/**
 * Queues an email as a SEND entry. Pass the transaction of the change that caused it, so the
 * email exists exactly when that change commits (the core nests it as a savepoint).
 */
export async function queueEmail(db: DbOrTx, actor: ActorContext, email: OutgoingEmail) {
  const { after } = await auditedMutation(db, actor, {
    table: "email_outbox",
    action: "SEND",
    change: async (tx) => {
      const [row] = await tx
        .insert(emailOutbox)
        .values({ ...email, status: "queued" })
        .returning({ id: emailOutbox.id });
      return row!.id;
    },
    message: () => emailSentMessage(email),
  });
  return after!;
}

/** The outbox page: newest first, body included (the page is admin only). */
export function listOutbox(db: DbOrTx, limit = 200) {
  return db
    .select()
    .from(emailOutbox)
    .orderBy(desc(emailOutbox.createdAt), desc(emailOutbox.id))
    .limit(limit);
}
