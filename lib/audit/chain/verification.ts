import "server-only";
import { desc } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { auditVerifications } from "@/db/schema";
import type { ActorContext } from "../actor";
import { recordAuditEvent } from "../core";
import { readCheckpoints, writeCheckpoint, type CheckpointTargets } from "./checkpoints";
import { sealAuditLog, type SealResult } from "./seal";
import { verifyAuditChain, type VerificationReport, type VerifyOptions } from "./verify";

/** Seals what is pending and records the head outside the database. */
export async function sealAndCheckpoint(
  db: Db,
  targets: CheckpointTargets,
  { always = false }: { always?: boolean } = {},
): Promise<SealResult & { checkpointError?: string }> {
  const result = await sealAuditLog(db);
  if (result.busy || (result.sealed === 0 && !always) || result.head.entryId === 0) return result;
  const written = await writeCheckpoint(
    {
      lastId: result.head.entryId,
      headHash: result.head.chainHash,
      at: new Date().toISOString(),
      kind: "seal",
    },
    targets,
  );
  return written.error ? { ...result, checkpointError: written.error } : result;
}

export type VerificationRun = { report: VerificationReport; verificationId: number };

/**
 * Verifies against the checkpoint file and keeps the result for the Control Panel. With an
 * actor (someone pressing "Verify now") the run is itself an audit entry, in the same
 * transaction as its result.
 */
export async function runVerification(
  db: Db,
  targets: CheckpointTargets,
  requestedBy: { label: string; actor?: ActorContext },
  range: Pick<VerifyOptions, "fromId" | "toId"> = {},
): Promise<VerificationRun> {
  const startedAt = new Date();
  const report = await verifyAuditChain(db, {
    ...range,
    checkpoints: readCheckpoints(targets.file),
  });
  const verificationId = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(auditVerifications)
      .values({
        startedAt,
        ok: report.ok,
        checkedEntries: report.checkedEntries,
        unsealedEntries: report.unsealedEntries,
        sealedHeadId: report.sealedHeadId,
        checkpointLastId: report.checkpoint?.lastId ?? null,
        problems: report.problems,
        requestedBy: requestedBy.label,
      })
      .returning({ id: auditVerifications.id });
    if (requestedBy.actor) {
      await recordAuditEvent(tx, requestedBy.actor, {
        action: "GENERATE",
        tableName: "audit_log",
        message: verificationMessage(report),
        after: {
          verification: row!.id,
          ok: report.ok,
          checkedEntries: report.checkedEntries,
          problems: report.problemCount,
        },
      });
    }
    return row!.id;
  });
  return { report, verificationId };
}

export function verificationMessage(report: VerificationReport): string {
  const checked = `${report.checkedEntries.toLocaleString("en-US")} sealed entries`;
  return report.ok
    ? `Verified the audit log: ${checked} intact`
    : `Verified the audit log: ${report.problemCount.toLocaleString("en-US")} problems in ${checked}`;
}

export async function lastVerification(db: DbOrTx) {
  const [row] = await db
    .select()
    .from(auditVerifications)
    .orderBy(desc(auditVerifications.finishedAt), desc(auditVerifications.id))
    .limit(1);
  return row ?? null;
}
