import { sql } from "drizzle-orm";
import { openPglite } from "@/db/client";
import { runChild, say } from "./child-io";

/**
 * Lock-test child: `node --import tsx test/crash/busy-holder.ts <folder> <busy ms>`.
 * Opens the PGlite folder, prints `locked <pid>`, then keeps the database busy with a chain of
 * awaited queries for <busy ms> without giving its event loop a single timer turn — what a long
 * seed or migration does. A timer-based lock (refreshed by setTimeout, stale after 15 s) would
 * look abandoned by then. Prints `busy-done <queries> <timer turns>` and then idles, holding the
 * folder, until killed.
 *
 * Between queries it sleeps synchronously (Atomics.wait), which blocks the event loop just as
 * well but leaves the CPU to the rest of the test suite on a 2-core machine.
 */

async function main() {
  const [dir, busyMs] = process.argv.slice(2);
  if (!dir || !busyMs) throw new Error("usage: busy-holder.ts <pglite folder> <busy ms>");
  const database = await openPglite(dir);
  await database.db.execute(sql`select 1`);
  // Counts how often the event loop reached its timers phase while busy: it must stay 0.
  let timerTurns = 0;
  const probe = setInterval(() => timerTurns++, 50);
  say(`locked ${process.pid}`);

  const pause = new Int32Array(new SharedArrayBuffer(4));
  const until = Date.now() + Number(busyMs);
  let queries = 0;
  while (Date.now() < until) {
    await database.db.execute(sql`select count(*) from generate_series(1, 2000)`);
    queries++;
    Atomics.wait(pause, 0, 0, 5);
  }
  clearInterval(probe);
  say(`busy-done ${queries} ${timerTurns}`);
  // Stays alive, holding the lock, until the test kills it.
  setInterval(() => {}, 60_000);
}

runChild(main);
