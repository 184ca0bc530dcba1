import "server-only";
import type { Db } from "@/db/client";
import { deliverQueuedSoon } from "@/lib/email/deliver";
import { runWatchRound, type RoundOptions } from "./notify";

export type WatchNotifier = { stop: () => Promise<void> };

/**
 * Every app instance runs a round each interval; the notifier's try-lock lets one of them do the
 * work and the others skip. Rounds never overlap within a process.
 */
export function startWatchNotifier(
  db: Db,
  options: RoundOptions & { intervalMs: number; log?: (message: string) => void },
): WatchNotifier {
  const log = options.log ?? ((message: string) => console.error(message));
  let running: Promise<void> = Promise.resolve();
  const round = async () => {
    try {
      const result = await runWatchRound(db, options);
      // Mail goes out at once when SMTP is configured, as after any other queued email.
      if (result.emailed > 0) await deliverQueuedSoon(db);
    } catch (err) {
      log(
        `Watch notifier failed (retried next round): ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  };
  const timer = setInterval(() => {
    running = running.then(round);
  }, options.intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
