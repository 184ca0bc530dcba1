import { log, seconds } from "./log";

type Step = { name: string; step: () => Promise<void> };

// Newest first, so the server stops before the database it uses.
const steps: Step[] = [];
let running: Promise<void> | undefined;

/**
 * Registers cleanup the moment a resource exists (not once it is ready), so an interrupt during a
 * slow start still removes it. Returns a function that unregisters and runs the step now.
 */
export function onTeardown(name: string, step: () => Promise<void>): () => Promise<void> {
  const entry: Step = { name, step };
  steps.push(entry);
  return async () => {
    const i = steps.indexOf(entry);
    if (i === -1) return;
    steps.splice(i, 1);
    await step();
  };
}

/** True once teardown has begun: errors from work it interrupted are expected then. */
export function isTearingDown(): boolean {
  return running !== undefined;
}

/** Runs every registered step once, newest first; a failing step does not stop the others. */
export function tearDown(): Promise<void> {
  running ??= (async () => {
    const started = performance.now();
    const count = steps.length;
    for (let entry = steps.pop(); entry; entry = steps.pop()) {
      try {
        await entry.step();
      } catch (err) {
        log(`teardown: could not ${entry.name}: ${(err as Error).message}`);
      }
    }
    if (count > 0) log(`teardown: ${count} step(s) (${seconds(started)})`);
  })();
  return running;
}
