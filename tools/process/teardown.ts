/**
 * The teardown registry of the e2e harness and the bench: whatever a run started (app server,
 * Postgres cluster, temp folders) registers its cleanup here, and the runner calls tearDown()
 * however the run ends (success, error, Ctrl-C, SIGTERM).
 */

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

const seconds = (sinceMs: number) => `${((performance.now() - sinceMs) / 1000).toFixed(1)} s`;

/**
 * Runs every registered step once, newest first; a failing step does not stop the others.
 * `report` prints its lines (the runner's prefix); later calls share the first call's run.
 */
export function tearDown(report: (line: string) => void = console.log): Promise<void> {
  running ??= (async () => {
    const started = performance.now();
    const count = steps.length;
    for (let entry = steps.pop(); entry; entry = steps.pop()) {
      try {
        await entry.step();
      } catch (err) {
        report(`teardown: could not ${entry.name}: ${(err as Error).message}`);
      }
    }
    if (count > 0) report(`teardown: ${count} step(s) (${seconds(started)})`);
  })();
  return running;
}
