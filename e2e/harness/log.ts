/** An error whose message is the whole story: run.ts prints it without a stack trace. */
export class HarnessError extends Error {}

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

/** Keeps the last lines of a child's output, so a failure can show what the child said. */
export class OutputTail {
  private lines: string[] = [];
  private partial = "";

  constructor(private readonly limit = 300) {}

  push(chunk: Buffer | string): void {
    const parts = (this.partial + chunk.toString()).split("\n");
    this.partial = parts.pop() ?? "";
    this.lines.push(...parts);
    if (this.lines.length > this.limit) this.lines.splice(0, this.lines.length - this.limit);
  }

  text(maxLines = this.limit): string {
    const all = this.partial ? [...this.lines, this.partial] : this.lines;
    return all.slice(-maxLines).join("\n");
  }
}

export function indent(text: string): string {
  return text
    .trimEnd()
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}
