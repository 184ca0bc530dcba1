import "server-only";
import { and, asc, inArray, lt } from "drizzle-orm";
import type { Db } from "@/db/client";
import { emailOutbox } from "@/db/schema";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedBulkDelete } from "@/lib/audit/core";

/** Emails past delivery; a queued one is still work to do and is never removed. */
const SETTLED = ["sent", "failed"] as const;

/**
 * Removes sent and failed emails created before `before`, a batch per transaction. The outbox
 * is an audited table (its guard refuses writes outside the core), so each batch goes through
 * auditedBulkDelete: one DELETE entry naming the batch's ids. An entry per email would add a row
 * to the log for every row freed here; the emails' own SEND and UPDATE entries already hold
 * what they were (the body never: it carried single-use links).
 */
export async function pruneEmailOutbox(
  db: Db,
  actor: ActorContext,
  { before, days, batchSize = 1_000 }: { before: Date; days: number; batchSize?: number },
): Promise<number> {
  let total = 0;
  for (;;) {
    const { deleted } = await auditedBulkDelete(db, actor, {
      table: "email_outbox",
      select: async (tx) =>
        (
          await tx
            .select({ id: emailOutbox.id })
            .from(emailOutbox)
            .where(and(inArray(emailOutbox.status, SETTLED), lt(emailOutbox.createdAt, before)))
            .orderBy(asc(emailOutbox.id))
            .limit(batchSize)
            .for("update")
        ).map((r) => r.id),
      message: (n) =>
        `Removed ${n.toLocaleString("en-US")} sent or failed emails created before ` +
        `${before.toISOString().slice(0, 10)} under the retention period`,
      after: { before: before.toISOString(), statuses: SETTLED, olderThanDays: days },
    });
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
