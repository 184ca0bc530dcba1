import { parseArgs } from "node:util";
import { z } from "zod";
import { DatabaseUnavailableError, openDatabase } from "@/db/client";
import { systemActor } from "@/lib/audit/actor";
import {
  DEFAULT_RETENTION_BATCH,
  RETENTION_ACTOR_LABEL,
  RetentionPrivilegeError,
  monthsBefore,
  runAuditRetention,
} from "@/lib/audit/chain/retention";
import { pruneLoginAttempts } from "@/lib/auth/retention";
import { readConfig } from "@/lib/config";
import { pruneEmailOutbox } from "@/lib/email/retention";

/**
 * `npm run audit:retention -- --keep-months N [--login-attempts-days D] [--outbox-days D]`:
 * removes audit entries older than N months (sealed first, the cut recorded in the database and
 * as a checkpoint, then deleted in short batches; lib/audit/chain/retention.ts), sign-in attempts
 * older than D days and sent or failed emails older than D days. Safe to rerun: a run that
 * stopped half-way is finished by the next one.
 */

const USAGE =
  "Usage: npm run audit:retention -- --keep-months N [--login-attempts-days D] " +
  `[--outbox-days D] [--batch-size B]\n  (defaults: 90 days each, ${DEFAULT_RETENTION_BATCH} ids per batch)`;

const count = (name: string, min: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`);

const argsSchema = z.object({
  keepMonths: count("--keep-months", 1),
  // At least a day: throttling reads the last minutes of attempts, never older ones.
  loginAttemptsDays: count("--login-attempts-days", 1).default(90),
  outboxDays: count("--outbox-days", 1).default(90),
  batchSize: count("--batch-size", 100).max(100_000).default(DEFAULT_RETENTION_BATCH),
});

const DAY_MS = 86_400_000;

async function main() {
  const { values } = parseArgs({
    options: {
      "keep-months": { type: "string" },
      "login-attempts-days": { type: "string" },
      "outbox-days": { type: "string" },
      "batch-size": { type: "string" },
    },
  });
  const parsed = argsSchema.safeParse({
    keepMonths: values["keep-months"],
    loginAttemptsDays: values["login-attempts-days"],
    outboxDays: values["outbox-days"],
    batchSize: values["batch-size"],
  });
  if (!parsed.success) {
    console.error(`${USAGE}\n${parsed.error.issues.map((i) => `  ${i.message}`).join("\n")}`);
    process.exit(2);
  }
  const args = parsed.data;
  const config = readConfig();

  // The runtime role may not delete from audit_log (on a server it has SELECT and INSERT only):
  // retention connects as the owner, like migrations. It does not migrate: the server does at
  // start, and a schema change is not something a retention job should bring about.
  const ownerUrl = process.env.MIGRATION_DATABASE_URL?.trim() || process.env.DATABASE_URL?.trim();
  const database = await openDatabase({ ...process.env, DATABASE_URL: ownerUrl ?? "" });
  try {
    const now = new Date();
    // One actor for the run: its entries share a request id.
    const actor = systemActor(RETENTION_ACTOR_LABEL);

    const attempts = await pruneLoginAttempts(database.db, {
      before: new Date(now.getTime() - args.loginAttemptsDays * DAY_MS),
    });
    console.log(`Sign-in attempts older than ${args.loginAttemptsDays} days: ${attempts} removed.`);
    const emails = await pruneEmailOutbox(database.db, actor, {
      before: new Date(now.getTime() - args.outboxDays * DAY_MS),
      days: args.outboxDays,
    });
    console.log(`Sent or failed emails older than ${args.outboxDays} days: ${emails} removed.`);

    const before = monthsBefore(now, args.keepMonths);
    const result = await runAuditRetention(database.db, {
      before,
      keepMonths: args.keepMonths,
      actor,
      batchSize: args.batchSize,
      targets: { file: config.AUDIT_CHECKPOINT_FILE, url: config.AUDIT_CHECKPOINT_URL },
      onBatch: (b) =>
        console.log(`  entries ${b.from}–${b.to}: ${b.entries} removed (${Math.round(b.ms)} ms)`),
    });
    if (result.resumed) {
      console.log(
        `Finished the interrupted cut at entry ${result.resumed.lastRemovedId} of an earlier run.`,
      );
    }
    if (result.cut) {
      console.log(
        `Audit entries before ${before.toISOString()}: ${result.cut.removedEntries} removed, ` +
          `up to entry ${result.cut.lastRemovedId}; the chain resumes from ${result.cut.anchorHash}.`,
      );
    } else {
      console.log(`No sealed audit entry occurred before ${before.toISOString()}: none removed.`);
    }
    if (result.checkpointError) {
      console.error(
        `The cut's checkpoint is in ${config.AUDIT_CHECKPOINT_FILE} but could not be posted to ` +
          `AUDIT_CHECKPOINT_URL: ${result.checkpointError}`,
      );
    }
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  console.error(
    err instanceof DatabaseUnavailableError || err instanceof RetentionPrivilegeError
      ? `Cannot run retention: ${err.message}`
      : err,
  );
  process.exit(1);
});
