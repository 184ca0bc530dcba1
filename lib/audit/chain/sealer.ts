import "server-only";
import type { Db } from "@/db/client";
import { writeCheckpoint, type CheckpointTargets } from "./checkpoints";
import { sealAuditLog, type ChainHead } from "./seal";

export type Sealer = { stop: () => Promise<void> };

const CHECKPOINT_EVERY_MS = 60_000;

/**
 * Each app instance seals new entries every interval (the try-lock lets one do the work) and
 * records the head outside the database at most once a minute, and once more when it stops, so
 * the file grows by a line a minute, not one per seal.
 */
export function startAuditSealer(
  db: Db,
  options: { intervalMs: number; targets: CheckpointTargets; log?: (message: string) => void },
): Sealer {
  const log = options.log ?? ((message: string) => console.error(message));
  let recorded: ChainHead | null = null;
  let recordedAt = 0;
  let running: Promise<void> = Promise.resolve();

  const checkpoint = async (head: ChainHead) => {
    if (head.entryId === 0 || head.entryId === recorded?.entryId) return;
    const written = await writeCheckpoint(
      {
        lastId: head.entryId,
        headHash: head.chainHash,
        at: new Date().toISOString(),
        kind: "seal",
      },
      options.targets,
    );
    if (written.error)
      log(`Audit checkpoint not delivered to AUDIT_CHECKPOINT_URL: ${written.error}`);
    recorded = head;
    recordedAt = Date.now();
  };

  const round = async (final: boolean) => {
    try {
      const result = await sealAuditLog(db);
      if (result.busy) return;
      if (final || Date.now() - recordedAt >= CHECKPOINT_EVERY_MS) await checkpoint(result.head);
    } catch (err) {
      log(
        `Audit sealing failed (retried next round): ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  };

  const timer = setInterval(() => {
    running = running.then(() => round(false));
  }, options.intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
      await round(true);
    },
  };
}
