import { ToolError } from "@/tools/process/output";
import { isTearingDown, tearDown } from "@/tools/process/teardown";
import { BenchError } from "./cluster";

/**
 * Runs a bench script: prints its errors readably and, whatever happens (success, error,
 * Ctrl-C, SIGTERM), tears down what it started (app server, then the Postgres cluster) through
 * the teardown registry (tools/process/teardown.ts), where those resources register themselves.
 */
export function runScript(name: string, main: () => Promise<void>): void {
  const report = (line: string) => console.log(`[${name}] ${line}`);
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = true;
    console.error(`\n[${name}] ${signal}: stopping what was started…`);
    // Not awaited (a listener): tearDown catches each step's error, and the exit runs anyway.
    void tearDown(report).finally(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  main()
    .then(async () => {
      await tearDown(report);
      process.exit(0);
    })
    .catch(async (err: unknown) => {
      // Errors from work a signal interrupted are expected; the signal handler reports.
      if (!isTearingDown()) {
        // Ours (and the tools') say all in their message; anything else keeps its stack.
        const readable = err instanceof BenchError || err instanceof ToolError;
        console.error(readable ? `[${name}] ${err.message}` : err);
      }
      await tearDown(report);
      process.exit(1);
    });
}

export const fmtInt = (n: number) => Math.round(n).toLocaleString("en-US");
export const fmtSeconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function fmtBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(0)} MB`;
  return `${(bytes / 1024).toFixed(0)} kB`;
}

/** A whole-number setting of a bench from the environment, within bounds. */
export function intEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new BenchError(`${name} must be a whole number from ${min} to ${max}: ${raw}`);
  }
  return n;
}
