import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { format, resolveConfig } from "prettier";
import { openPglite } from "@/db/client";
import { exportPgliteFolder } from "@/db/embedded/export-folder";
import { migrateDatabase } from "@/db/migrate";
import { DEMO_PASSWORD, seedDemo } from "@/seed/demo/demo";
import { findPostgresBinaries } from "@/tools/postgres/binaries";
import { startPostgresCluster } from "@/tools/postgres/throwaway";
import { startServer, type AppServer } from "@/tools/process/app-server";
import { freePort } from "@/tools/process/free-port";
import { onTeardown } from "@/tools/process/teardown";
import { SERVER_CONDITION } from "@/tools/process/server-condition";
import { BenchError } from "./lib/cluster";
import { Session } from "./lib/http";
import { fmtInt, runScript } from "./lib/process";
import { HTTP_LOOP, fmtMs, fmtRatio, measure, type Timing } from "./lib/stats";

/**
 * `npm run bench:embedded`: how far the embedded database carries the app, for the README's
 * "when to move to Postgres". The demo data in a PGlite folder, then the same data exported to a
 * throwaway Postgres cluster (the baseline, same process, same machine); on each the signed-in
 * audit page over HTTP: one client (median, p95), then several at once (pages per second).
 * Written to bench/EMBEDDED.md.
 */

const RESULTS_FILE = path.join(process.cwd(), "bench", "EMBEDDED.md");
const PAGES = [
  { key: "newest", path: "/audit-log" },
  { key: "search", path: "/audit-log?q=credit+limit" },
  { key: "sort by user", path: "/audit-log?sort=user&dir=asc" },
] as const;
const CLIENTS = 4;
const THROUGHPUT_MS = 15_000;

type Measured = {
  pages: Timing[];
  /** Pages per second with one client, then with CLIENTS at once. */
  single: number;
  parallel: number;
};

async function startApp(env: Record<string, string>): Promise<AppServer> {
  const port = await freePort();
  return startServer({
    command: process.execPath,
    args: [SERVER_CONDITION, "--import", "tsx", "scripts/start.ts"],
    cwd: process.cwd(),
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      NEXT_TELEMETRY_DISABLED: "1",
    },
    port,
    // The first start after a source change runs `next build` (minutes on two cores).
    timeoutMs: 20 * 60_000,
  });
}

async function signedIn(baseUrl: string): Promise<Session> {
  const session = new Session(baseUrl);
  await session.signIn("admin@example.com", DEMO_PASSWORD);
  return session;
}

/** Pages per second while `clients` sessions each load the newest page back to back. */
async function throughput(sessions: Session[]): Promise<number> {
  const until = performance.now() + THROUGHPUT_MS;
  const started = performance.now();
  const counts = await Promise.all(
    sessions.map(async (session) => {
      let n = 0;
      while (performance.now() < until) {
        await session.auditPage(PAGES[0].path);
        n++;
      }
      return n;
    }),
  );
  return counts.reduce((a, b) => a + b, 0) / ((performance.now() - started) / 1000);
}

async function measureApp(label: string, env: Record<string, string>): Promise<Measured> {
  console.log(`${label}: starting the app…`);
  const app = await startApp(env);
  try {
    const sessions = await Promise.all(
      Array.from({ length: CLIENTS }, () => signedIn(app.baseUrl)),
    );
    const pages: Timing[] = [];
    for (const page of PAGES) {
      pages.push(await measure(() => sessions[0]!.auditPage(page.path), HTTP_LOOP));
      console.log(`  ${page.key}: median ${fmtMs(pages.at(-1)!.median)} ms`);
    }
    const single = await throughput(sessions.slice(0, 1));
    const parallel = await throughput(sessions);
    console.log(`  ${single.toFixed(1)} pages/s (1 client), ${parallel.toFixed(1)} (${CLIENTS})`);
    return { pages, single, parallel };
  } finally {
    await app.stop();
  }
}

async function seedFolder(folder: string): Promise<number> {
  const database = await openPglite(folder);
  try {
    await migrateDatabase(database);
    console.log("Seeding the demo data into a new PGlite folder (about a minute)…");
    await seedDemo(database.db);
    const result = await database.client.query<{ n: number }>(
      "select count(*)::int as n from audit_log",
    );
    return result.rows[0]!.n;
  } finally {
    await database.close();
  }
}

function report(entries: number, embedded: Measured, server: Measured, startedAt: Date): string {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const row = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [
    "# Embedded database (PGlite) against Postgres",
    "",
    "Written by `npm run bench:embedded` (bench/embedded.ts); re-run it to refresh.",
    "",
    `- Date: ${startedAt.toISOString()}`,
    `- CPU: ${cpu}, ${os.cpus().length} cores; RAM ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; Node ${process.version}`,
    `- Load average at the end (1/5/15 min): ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" / ")} — the machine is shared with other work`,
    `- Data: the demo seed (${fmtInt(entries)} audit entries), in a PGlite folder and, exported ` +
      "with `npm run db:export`, in a throwaway PostgreSQL cluster on the same machine",
    `- Each page: signed in as admin, read to the end, ${HTTP_LOOP.warmup} warm-up loads, then ` +
      `up to ${HTTP_LOOP.iterations}; throughput: the newest page back to back for ` +
      `${THROUGHPUT_MS / 1000} s by 1 client, then by ${CLIENTS}`,
    "",
    row([
      "page",
      "PGlite median ms",
      "PGlite p95 ms",
      "Postgres median ms",
      "Postgres p95 ms",
      "PGlite ÷ Postgres (median)",
    ]),
    row(["---", "---:", "---:", "---:", "---:", "---:"]),
    ...PAGES.map((page, i) => {
      const e = embedded.pages[i]!;
      const s = server.pages[i]!;
      return row([
        page.key,
        fmtMs(e.median),
        fmtMs(e.p95),
        fmtMs(s.median),
        fmtMs(s.p95),
        fmtRatio(e.median / s.median),
      ]);
    }),
    "",
    row(["pages per second", "PGlite", "Postgres"]),
    row(["---", "---:", "---:"]),
    row(["1 client", embedded.single.toFixed(1), server.single.toFixed(1)]),
    row([`${CLIENTS} clients`, embedded.parallel.toFixed(1), server.parallel.toFixed(1)]),
    "",
    "",
  ].join("\n");
}

async function main() {
  const startedAt = new Date();
  const binaries = findPostgresBinaries();
  if (!binaries) {
    throw new BenchError("No Postgres server binaries for the baseline: install postgresql.");
  }
  const root = mkdtempSync(path.join(os.tmpdir(), "trunkline-bench-embedded-"));
  onTeardown("remove the bench folder", async () => rmSync(root, { recursive: true, force: true }));
  const folder = path.join(root, "pglite");
  const entries = await seedFolder(folder);

  const embedded = await measureApp("PGlite", { PGLITE_DIR: folder, DATABASE_URL: "" });

  const cluster = await startPostgresCluster(binaries, "trunkline_embedded_bench");
  console.log("Exporting the folder to Postgres…");
  await exportPgliteFolder(folder, cluster.url);
  const server = await measureApp("Postgres", { DATABASE_URL: cluster.url });

  const style = await resolveConfig(RESULTS_FILE);
  const markdown = report(entries, embedded, server, startedAt);
  writeFileSync(RESULTS_FILE, await format(markdown, { ...style, filepath: RESULTS_FILE }));
  console.log(`Written to ${path.relative(process.cwd(), RESULTS_FILE)}.`);
}

runScript("bench:embedded", main);
