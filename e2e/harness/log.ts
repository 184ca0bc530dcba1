let interrupted = false;

/** After Ctrl-C the phase that was cut short fails; saying so would only be noise. */
export function markInterrupted(): boolean {
  const first = !interrupted;
  interrupted = true;
  return first;
}

export function log(message: string): void {
  console.log(`[e2e] ${message}`);
}

export function seconds(sinceMs: number): string {
  return `${((performance.now() - sinceMs) / 1000).toFixed(1)} s`;
}

/** Runs one phase of the harness and prints one line with what it did and how long it took. */
export async function phase<T>(
  name: string,
  work: () => Promise<T>,
  describe: (result: T) => string = () => "done",
): Promise<T> {
  const started = performance.now();
  try {
    const result = await work();
    log(`${name}: ${describe(result)} (${seconds(started)})`);
    return result;
  } catch (err) {
    if (!interrupted) log(`${name}: FAILED after ${seconds(started)}`);
    throw err;
  }
}
