import { spawn, type ChildProcessByStdio } from "node:child_process";
import path from "node:path";
import type { Readable } from "node:stream";
import { SERVER_CONDITION } from "@/tools/process/server-condition";

/**
 * Runs the crash-test children and reads their line protocol. Every child started here is
 * remembered, so a test that fails midway leaves no process behind (killAllChildren).
 */

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const running = new Set<CrashChild>();

export class CrashChild {
  readonly lines: string[] = [];
  readonly closed: Promise<void>;
  private readonly process: ChildProcessByStdio<null, Readable, Readable>;
  private stderr = "";
  private listeners = new Set<() => void>();
  private done = false;

  constructor(script: string, args: string[]) {
    // `node --import tsx`, not tsx's CLI: the CLI runs the script in a second process, so its
    // pid would not be the lock holder's and SIGKILL would orphan the one holding the folder.
    this.process = spawn(
      process.execPath,
      [SERVER_CONDITION, "--import", "tsx", path.join(REPO_ROOT, "test", "crash", script), ...args],
      { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    running.add(this);
    let partial = "";
    this.process.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop() ?? "";
      this.lines.push(...parts);
      this.notify();
    });
    this.process.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-4_000);
    });
    this.closed = new Promise((resolve) => {
      // "close" comes after stdout has ended: every line the child wrote has been read.
      this.process.once("close", () => {
        if (partial) this.lines.push(partial);
        this.done = true;
        running.delete(this);
        resolve();
        this.notify();
      });
    });
    this.process.once("error", (err) => {
      this.stderr += `\nspawn failed: ${err.message}`;
    });
  }

  get pid(): number {
    if (this.process.pid === undefined) throw new Error(`child did not start: ${this.stderr}`);
    return this.process.pid;
  }

  /** Exited and every line read. */
  get exited(): boolean {
    return this.done;
  }

  private notify() {
    for (const listener of [...this.listeners]) listener();
  }

  /** What went wrong, for a failure message: the last lines and stderr. */
  describe(): string {
    return `last lines:\n${this.lines.slice(-5).join("\n")}\nstderr:\n${this.stderr}`;
  }

  /**
   * The first line (from `from` on) that `match` accepts. Rejects when the child reports an
   * error, exits first, or the timeout passes.
   */
  waitFor(match: (line: string) => boolean, timeoutMs: number, from = 0): Promise<string> {
    return new Promise((resolve, reject) => {
      let scanned = from;
      const finish = (err: Error | null, line?: string) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        if (err) reject(err);
        else resolve(line ?? "");
      };
      const check = () => {
        for (; scanned < this.lines.length; scanned++) {
          const line = this.lines[scanned] ?? "";
          if (line.startsWith("error ")) return finish(new Error(`child failed: ${line}`));
          if (match(line)) return finish(null, line);
        }
        if (this.exited) finish(new Error(`child exited before the line:\n${this.describe()}`));
      };
      const timer = setTimeout(
        () => finish(new Error(`no such line within ${timeoutMs} ms:\n${this.describe()}`)),
        timeoutMs,
      );
      this.listeners.add(check);
      check();
    });
  }

  /** SIGKILL, then every line the child got out before it died. */
  async kill(): Promise<string[]> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      this.process.kill("SIGKILL");
    }
    await this.closed;
    return this.lines;
  }

  /** Waits for a normal exit and returns its code. */
  async exitCode(): Promise<number | null> {
    await this.closed;
    return this.process.exitCode;
  }
}

export async function killAllChildren(): Promise<void> {
  await Promise.all([...running].map((child) => child.kill()));
}
