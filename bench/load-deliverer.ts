import { openPostgres } from "@/db/client";
import { deliverQueued } from "@/lib/email/deliver";

/**
 * One outbox deliverer of `npm run bench:load` (bench/load.ts starts two, as two app instances
 * would run them): the product's deliverQueued in a loop against DATABASE_URL, with a transport
 * that prints `SENT <address>` for each message instead of speaking SMTP, so the parent can count
 * how often each message went out. Stops after a few empty rounds, or at LOAD_DELIVER_UNTIL
 * (epoch ms) at the latest.
 */

const BATCH = 5;
// A real SMTP exchange takes milliseconds: long enough that the two deliverers overlap.
const SEND_MS = 15;
const EMPTY_ROUNDS = 5;

async function main() {
  const url = process.env.DATABASE_URL;
  const until = Number(process.env.LOAD_DELIVER_UNTIL);
  if (!url || !Number.isFinite(until)) throw new Error("DATABASE_URL and LOAD_DELIVER_UNTIL");
  const database = await openPostgres(url);
  try {
    const transport = {
      send: async (mail: { to: string }) => {
        await new Promise((resolve) => setTimeout(resolve, SEND_MS));
        process.stdout.write(`SENT ${mail.to}\n`);
      },
    };
    let empty = 0;
    while (empty < EMPTY_ROUNDS && Date.now() < until) {
      const { sent, failed } = await deliverQueued(database.db, transport, BATCH);
      if (sent + failed === 0) {
        empty++;
        await new Promise((resolve) => setTimeout(resolve, 100));
      } else {
        empty = 0;
      }
    }
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
