import "server-only";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { readCheckpoints, type Checkpoint } from "@/lib/audit/chain/checkpoints";
import { lastVerification } from "@/lib/audit/chain/verification";
import { checkpointTargets } from "./targets";

// Stored as jsonb by runVerification: read back through a schema, like any other boundary.
const problemSchema = z.object({
  kind: z.string(),
  entryId: z.number().int().nullable(),
  detail: z.string(),
});

export type IntegrityProblem = z.infer<typeof problemSchema>;

type LastVerification = {
  id: number;
  startedAt: Date;
  finishedAt: Date;
  ok: boolean;
  checkedEntries: number;
  unsealedEntries: number;
  sealedHeadId: number | null;
  checkpointLastId: number | null;
  requestedBy: string;
  problems: IntegrityProblem[];
};

export type IntegrityStatus = {
  last: LastVerification | null;
  /** The newest checkpoint written outside the database (file), null before the first seal. */
  checkpoint: Pick<Checkpoint, "lastId" | "at"> | null;
  /** Lines of the checkpoint file that are not checkpoints: an edited file is itself a finding. */
  invalidCheckpointLines: number;
  /** Whether checkpoints are also posted to AUDIT_CHECKPOINT_URL (the URL itself is not shown). */
  postsCheckpoints: boolean;
};

/** What the Control Panel's integrity page shows (admin and auditor: audit:verify). */
export async function loadIntegrityStatus(db: DbOrTx): Promise<IntegrityStatus> {
  const targets = checkpointTargets();
  const row = await lastVerification(db);
  const log = readCheckpoints(targets.file);
  return {
    last: row && {
      id: row.id,
      startedAt: row.startedAt,
      finishedAt: row.finishedAt,
      ok: row.ok,
      checkedEntries: row.checkedEntries,
      unsealedEntries: row.unsealedEntries,
      sealedHeadId: row.sealedHeadId,
      checkpointLastId: row.checkpointLastId,
      requestedBy: row.requestedBy,
      problems: z.array(problemSchema).parse(row.problems),
    },
    checkpoint: log.latest && { lastId: log.latest.lastId, at: log.latest.at },
    invalidCheckpointLines: log.invalidLines.length,
    postsCheckpoints: Boolean(targets.url),
  };
}
