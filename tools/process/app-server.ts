import { spawn } from "node:child_process";
import { OutputTail, ToolError, indent } from "./output";
import { onTeardown } from "./teardown";

export type AppServer = {
  baseUrl: string;
  /** The server's recent output, for diagnosing failures. */
  output: (maxLines?: number) => string;
  /** The process group of the server and its children, for CPU accounting (the bench). */
  processGroup: number | undefined;
  stop: () => Promise<void>;
};

type StartOptions = {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  port: number;
  timeoutMs: number;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts the app in its own process group (it forks: npx/tsx, then Next's workers) so that
 * stopping it kills the whole tree, and waits until /login answers 200.
 */
export async function startServer(options: StartOptions): Promise<AppServer> {
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const output = new OutputTail(400);
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (chunk: Buffer) => output.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => output.push(chunk));

  let exit: string | undefined;
  child.on("exit", (code, signal) => {
    exit = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  });
  child.on("error", (err) => {
    exit = `could not start: ${err.message}`;
  });
  const pid = child.pid;

  const stop = onTeardown("stop the app server", async () => {
    if (pid === undefined || !groupAlive(pid)) return;
    process.kill(-pid, "SIGTERM");
    const deadline = Date.now() + 10_000;
    while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
    if (groupAlive(pid)) process.kill(-pid, "SIGKILL");
  });

  const server: AppServer = { baseUrl, output: (n) => output.text(n), processGroup: pid, stop };
  const fail = async (why: string) => {
    await stop();
    const said = output.text(80);
    return new ToolError(
      `The app server ${why}.` + (said ? ` Its output:\n${indent(said)}` : " It printed nothing."),
    );
  };

  const deadline = Date.now() + options.timeoutMs;
  let lastAnswer = "no answer yet";
  while (Date.now() < deadline) {
    if (exit) throw await fail(exit);
    try {
      const res = await fetch(`${baseUrl}/login`, {
        redirect: "manual",
        signal: AbortSignal.timeout(5_000),
      });
      if (res.status === 200) return server;
      lastAnswer = `/login answered ${res.status}`;
    } catch {
      // not listening yet
    }
    await sleep(500);
  }
  throw await fail(
    `did not serve ${baseUrl}/login with 200 within ${options.timeoutMs / 1000} s (${lastAnswer})`,
  );
}
