import "server-only";
import type { Db } from "@/db/client";
import { deliverAuditStream } from "./deliver";
import type { StreamPolicy } from "./target";

export type AuditStreamer = { stop: () => Promise<void> };

/**
 * Each app instance runs a round every interval, one at a time; the destinations' row locks
 * decide which instance sends to which destination (lib/audit/stream/deliver.ts).
 */
export function startAuditStreamer(
  db: Db,
  options: {
    intervalMs: number;
    policy: StreamPolicy;
    /** Entries read per batch (the default suits production; tests make it small). */
    batchSize?: number;
    log?: (message: string) => void;
  },
): AuditStreamer {
  const log = options.log ?? ((message: string) => console.error(message));
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  const round = async () => {
    try {
      await deliverAuditStream(db, { policy: options.policy, batchSize: options.batchSize });
    } catch (err) {
      log(
        `Audit streaming failed (retried next round): ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  };
  const timer = setInterval(() => {
    // A slow destination makes a round longer than the interval: skip, do not queue up rounds.
    if (busy) return;
    busy = true;
    running = round().finally(() => {
      busy = false;
    });
  }, options.intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
