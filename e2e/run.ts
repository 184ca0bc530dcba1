/**
 * `npm run test:e2e [playwright args]`: a throwaway database, the seeded app on a free port, then
 * Playwright against it; everything is torn down however the run ends.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { findChromium } from "./harness/chromium";
import { chooseDatabase } from "./harness/database";
import { log, markInterrupted, phase, seconds } from "./harness/log";
import { startServer } from "@/tools/process/app-server";
import { run } from "@/tools/process/exec";
import { freePort } from "@/tools/process/free-port";
import { ToolError, indent } from "@/tools/process/output";
import { SERVER_CONDITION } from "@/tools/process/server-condition";
import { isTearingDown, onTeardown, tearDown } from "@/tools/process/teardown";

const ROOT = path.resolve(__dirname, "..");
const SERVER_TIMEOUT_MS = 240_000; // the first start may run `next build`

function bin(name: string): string {
  const local = path.join(ROOT, "node_modules", ".bin", name);
  if (!existsSync(local)) throw new ToolError(`${local} is missing: run \`npm ci\` first.`);
  return local;
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    // tsx relays the signal the terminal already sent to the whole group: act on the first
    if (!markInterrupted()) return;
    log(`${signal}: stopping`);
    // Not awaited (a listener): tearDown catches each step's error, and the exit runs anyway.
    void tearDown(log).finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  });
}

function runPlaywright(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(bin("playwright"), ["test", ...args], { cwd: ROOT, env, stdio: "inherit" });
    child.on("error", (err) => {
      log(`could not run Playwright: ${err.message}`);
      resolve(1);
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  // Checked first: it costs nothing, while the steps before Playwright take a minute or more.
  const browser = findChromium();
  if (!browser) {
    log("no Chromium found (neither /usr/bin/chromium nor Playwright's own). Install it with:");
    log("  npx playwright install chromium");
    return 1;
  }
  log(`browser: ${browser.description}`);

  // The children must never pick up the developer's own database from the environment.
  const baseEnv: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  delete baseEnv.DATABASE_URL;
  delete baseEnv.MIGRATION_DATABASE_URL;
  delete baseEnv.RUNTIME_DATABASE_PASSWORD;
  delete baseEnv.PGLITE_DIR;

  const db = await phase("database", chooseDatabase, (d) => d.description);
  const dbEnv = { ...baseEnv, ...db.env };

  await phase("seed", () =>
    run(bin("tsx"), [SERVER_CONDITION, "scripts/seed.ts"], { cwd: ROOT, env: dbEnv }),
  );

  // The audit chain's checkpoints of this run's database only: a file shared with earlier runs
  // (other databases) would hold heads this chain never had, and verification would say so.
  const checkpointDir = mkdtempSync(path.join(tmpdir(), "trunkline-e2e-checkpoints-"));
  onTeardown("checkpoint folder", async () =>
    rmSync(checkpointDir, { recursive: true, force: true }),
  );
  const checkpointFile = path.join(checkpointDir, "audit-checkpoints.jsonl");

  const port = await freePort();
  // Also given to Playwright: the leak crawler checks that no page ever sends it.
  const authSecret = randomBytes(32).toString("base64url");
  const server = await phase(
    "server",
    () =>
      startServer({
        command: bin("tsx"),
        args: [SERVER_CONDITION, "scripts/start.ts"],
        cwd: ROOT,
        env: {
          ...dbEnv,
          PORT: String(port),
          AUTH_SECRET: authSecret,
          AUTH_TRUST_HOST: "true",
          AUDIT_CHECKPOINT_FILE: checkpointFile,
          // Watches notify within seconds, so e2e/watches.spec.ts waits seconds, not a minute.
          WATCH_INTERVAL_SECONDS: "2",
          // The streaming spec's receiver is plain http on loopback; delivery within a second.
          AUDIT_STREAM_HTTP_LOOPBACK: "true",
          AUDIT_STREAM_INTERVAL_MS: "500",
        },
        port,
        timeoutMs: SERVER_TIMEOUT_MS,
      }),
    (s) => `${s.baseUrl} serves /login`,
  );

  const started = performance.now();
  log(
    `playwright: starting${process.argv.length > 2 ? ` (${process.argv.slice(2).join(" ")})` : ""}`,
  );
  const code = await runPlaywright(process.argv.slice(2), {
    ...baseEnv,
    E2E_BASE_URL: server.baseUrl,
    E2E_DATABASE_URL: db.url ?? "",
    E2E_APP_DATABASE_URL: "DATABASE_URL" in db.env ? db.env.DATABASE_URL : "",
    E2E_DATABASE_KIND: db.kind,
    E2E_AUTH_SECRET: authSecret,
    E2E_AUDIT_CHECKPOINT_FILE: checkpointFile,
    E2E_CHROMIUM: browser.executablePath ?? "",
  });
  log(`playwright: exited with code ${code} (${seconds(started)})`);
  if (code !== 0) {
    log(`app server output (last 40 lines):\n${indent(server.output(40) || "(nothing)")}`);
  }
  return code;
}

const started = performance.now();
main()
  .catch((err: unknown) => {
    if (isTearingDown()) return 1;
    log(err instanceof ToolError ? err.message : String((err as Error).stack ?? err));
    return 1;
  })
  .then(async (code) => {
    await tearDown(log);
    log(`total: ${seconds(started)}`);
    process.exit(code);
  })
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
