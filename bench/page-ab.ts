import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { openPostgres } from "@/db/client";
import { startServer, type AppServer } from "@/tools/process/app-server";
import { freePort } from "@/tools/process/free-port";
import { SERVER_CONDITION } from "@/tools/process/server-condition";
import { openBenchDatabase } from "./lib/cluster";
import { BENCH_ADMIN_EMAIL, Session, ensureBenchAdmin } from "./lib/http";
import { buildMix, pagePath } from "./lib/mix";
import { fmtMs, measureInterleaved } from "./lib/stats";

/**
 * `npm run bench:page-ab -- <other checkout>`: the audit page of this checkout and of another
 * one (e.g. `git archive <commit> | tar -x -C .data/before`, node_modules linked), both started
 * against the bench database at once and timed in alternation, page by page of the bench mix:
 * a before/after comparison under the same load, which two runs minutes apart on a shared
 * machine cannot give.
 */
const LOOP = { warmup: 3, iterations: 40, budgetMs: 60_000, minIterations: 10 };

async function start(cwd: string, databaseUrl: string, secret: string): Promise<AppServer> {
  const port = await freePort();
  return startServer({
    command: "npx",
    // The react-server condition lets `server-only` load in a tsx script (harmless for a
    // checkout from before it was imported).
    args: ["tsx", SERVER_CONDITION, "scripts/start.ts"],
    cwd,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: secret,
      NEXT_TELEMETRY_DISABLED: "1",
    },
    port,
    timeoutMs: 20 * 60_000,
  });
}

async function main() {
  const other = path.resolve(process.argv[2] ?? "");
  if (!process.argv[2] || !existsSync(path.join(other, "scripts", "start.ts"))) {
    throw new Error("usage: npm run bench:page-ab -- <path of another checkout>");
  }
  const bench = await openBenchDatabase("query");
  const app = await openPostgres(bench.url);
  const client = postgres(bench.url, { max: 1, onnotice: () => {} });
  try {
    const password = await ensureBenchAdmin(app.db);
    const raw = (text: string, params: unknown[] = []) =>
      client.unsafe(text, params as never[]) as Promise<Record<string, unknown>[]>;
    const mix = (await buildMix(app.db, raw)).filter((s) => s.kind === "page");
    const secret = randomBytes(32).toString("base64url");
    // One after the other: two `next build`s at once would take twice as long on two cores.
    const before = await start(other, bench.url, secret);
    const after = await start(process.cwd(), bench.url, secret);
    try {
      const sessions = [new Session(before.baseUrl), new Session(after.baseUrl)];
      for (const s of sessions) await s.signIn(BENCH_ADMIN_EMAIL, password);
      console.log(`before: ${other}\nafter:  ${process.cwd()}\n`);
      console.log(
        "| page | before p50 | p95 | KB | after p50 | p95 | KB | n |\n|---|---:|---:|---:|---:|---:|---:|---:|",
      );
      for (const scenario of mix) {
        const url = pagePath(scenario.params);
        const bytes = await Promise.all(sessions.map((s) => s.auditPage(url)));
        const [b, a] = await measureInterleaved(
          sessions.map((s) => () => s.auditPage(url)),
          LOOP,
        );
        console.log(
          `| ${scenario.label} | ${fmtMs(b!.median)} | ${fmtMs(b!.p95)} | ${(bytes[0]! / 1024).toFixed(0)} ` +
            `| ${fmtMs(a!.median)} | ${fmtMs(a!.p95)} | ${(bytes[1]! / 1024).toFixed(0)} | ${a!.n} |`,
        );
      }
    } finally {
      await Promise.all([before.stop(), after.stop()]);
    }
  } finally {
    await client.end({ timeout: 5 });
    await app.close();
    await bench.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
