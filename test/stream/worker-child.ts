import { openPostgres } from "@/db/client";
import { startAuditStreamer } from "@/lib/audit/stream/worker";

/**
 * An app instance's SIEM delivery worker, alone, for the streaming acceptance test:
 * `node --conditions=react-server --import tsx test/stream/worker-child.ts <DATABASE_URL>`.
 * Runs the product's worker (startAuditStreamer, as scripts/start.ts does) every 50 ms with
 * batches of 50 and prints `ready`; the test SIGKILLs it mid-burst.
 */
async function main() {
  const url = process.argv[2];
  if (!url) throw new Error("usage: worker-child.ts <DATABASE_URL>");
  const database = await openPostgres(url);
  startAuditStreamer(database.db, {
    intervalMs: 50,
    batchSize: 50,
    policy: { allowHttpLoopback: true },
  });
  process.stdout.write("ready\n");
  // The interval timer is unref'd: keep the process up until it is killed.
  setInterval(() => {}, 60_000);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
