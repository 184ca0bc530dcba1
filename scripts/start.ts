import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import path from "node:path";
import next from "next";
import {
  DatabaseUnavailableError,
  openDatabase,
  openOwnerDatabase,
  setDatabase,
  type Database,
} from "@/db/client";
import type { DatabaseConfig } from "@/db/config";
import { serveBackups } from "@/db/embedded/control-socket";
import { connectsSeparately, migrateAsOwner } from "@/db/migrate";
import { RuntimeRoleError } from "@/db/roles";
import { startAuditSealer } from "@/lib/audit/chain/sealer";
import { startWatchNotifier } from "@/lib/watches/notifier";
import { startAuditStreamer } from "@/lib/audit/stream/worker";
import { DEMO_SIGN_INS, DEMO_PASSWORD, seedDemo } from "@/seed/demo/demo";
import { hasDemoData, hasAnyUser } from "@/seed/demo/status";
import { readConfig } from "@/lib/config";
import { parseTrustedProxies } from "@/lib/http/client-ip";
import { createPeerSealSecret, sealPeerHeaders } from "@/lib/http/peer-seal";
import { securityHeaders, servedOverHttps } from "@/lib/http/security-headers";
import { buildIsCurrent, sourceFingerprint, stampFile } from "./build-fingerprint";

/**
 * `npm start`: migrate, seed the embedded demo database when empty, build when the sources
 * changed, then serve. The HTTP server is ours so that the client's IP comes from the socket
 * (see lib/http/client-ip.ts), and so the database opened here is the one the app uses.
 */

const root = path.resolve(__dirname, "..");
const dev = process.argv.includes("--dev");

function ensureAuthSecret(dataDir: string) {
  if (process.env.AUTH_SECRET) return;
  const file = path.join(dataDir, "auth-secret");
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
    console.log(
      `Generated AUTH_SECRET in ${path.relative(root, file)} (set AUTH_SECRET in production).`,
    );
  }
  process.env.AUTH_SECRET = readFileSync(file, "utf8").trim();
}

type Build = { done: Promise<void>; cancel: () => void };

/**
 * `next build` in a child process, when the sources changed since the last one. It runs while
 * the database is prepared (seeding takes a minute too) and never blocks this process's event
 * loop. Its output goes to a file, shown only if it fails, so it does not interleave with ours.
 */
function startBuild(): Build | undefined {
  if (buildIsCurrent(root)) return undefined;
  const logFile = path.join(root, ".data", "build.log");
  mkdirSync(path.dirname(logFile), { recursive: true });
  const out = openSync(logFile, "w");
  console.log(`Building the app (next build, output in ${path.relative(root, logFile)})…`);
  const started = Date.now();
  // Next's own entry point, not npx: one process, so stopping the build stops it.
  const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
  const child = spawn(process.execPath, [nextBin, "build"], {
    cwd: root,
    stdio: ["ignore", out, out],
    env: process.env,
  });
  closeSync(out);
  const done = new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (code === 0) {
        writeFileSync(stampFile(root), sourceFingerprint(root));
        console.log(`Built in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
        resolve();
      } else {
        const tail = readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-30).join("\n");
        reject(new Error(`next build failed (${signal ?? `exit ${code}`}):\n${tail}`));
      }
    });
  });
  return { done, cancel: () => void child.kill("SIGTERM") };
}

/** Whether the demo seed is being written: stopping then must not wait for it (see stop). */
let seeding = false;

/**
 * Migrates as the owner, then connects as the app's runtime role when DATABASE_URL names another
 * (`switchTo` hands the new connection over for closing), and seeds an empty embedded database.
 */
async function prepareDatabase(
  owner: Database,
  config: DatabaseConfig,
  switchTo: (database: Database) => void,
): Promise<void> {
  await migrateAsOwner(owner, config);
  let database = owner;
  if (connectsSeparately(config)) {
    await owner.close();
    database = await openDatabase();
    switchTo(database);
  } else if (database.kind === "postgres") {
    console.log(
      "The app connects as the role that runs the migrations and owns the tables: see " +
        '"Database roles" in the README to connect as a role that cannot alter them.',
    );
  }
  if (await hasAnyUser(database.db)) return;
  if (database.kind === "pglite") {
    console.log("Empty embedded database: loading the demo data (about a minute)…");
    seeding = true;
    await seedDemo(database.db);
    seeding = false;
  } else {
    console.log(
      "The database has no users: run `npm run db:seed` (demo) or `npm run create-admin`.",
    );
  }
}

async function main() {
  process.env.NEXT_TELEMETRY_DISABLED ??= "1";
  process.env.AUTH_TRUST_HOST ??= "true";
  const config = readConfig();
  ensureAuthSecret(path.join(root, ".data"));

  // The database is opened first (as its owner, to migrate), so an unreachable server or a
  // folder in use fails in seconds; the build then runs beside the migrations and the seed.
  let database = await openOwnerDatabase();
  const build = dev ? undefined : startBuild();
  // Undone in reverse order on stop: the database closes last.
  const cleanups: (() => Promise<void>)[] = [() => database.close()];
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    build?.cancel();
    if (seeding) {
      // The seed is one transaction: leaving now discards it, and the next start seeds afresh.
      // Closing would first wait for the whole seed to finish.
      console.log(`\n${signal} during the demo seed: stopped; the next start loads it again.`);
      process.exit(130);
    }
    for (const cleanup of cleanups.reverse()) await cleanup().catch(console.error);
    console.log(`${signal}: stopped.`);
    process.exit(0);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    stop(signal).catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  try {
    await Promise.all([prepareDatabase(database, config, (app) => (database = app)), build?.done]);
  } catch (err) {
    build?.cancel();
    // Closing would wait for a seed still running; exiting discards it (one transaction).
    if (!seeding) await database.close();
    throw err;
  }
  setDatabase(database);
  if (database.kind === "pglite") {
    cleanups.push(await serveBackups(database.client, database.lock));
  }

  const sealer = startAuditSealer(database.db, {
    intervalMs: config.AUDIT_SEAL_INTERVAL_SECONDS * 1000,
    targets: { file: config.AUDIT_CHECKPOINT_FILE, url: config.AUDIT_CHECKPOINT_URL },
  });
  cleanups.push(() => sealer.stop());
  const notifier = startWatchNotifier(database.db, {
    intervalMs: config.WATCH_INTERVAL_SECONDS * 1000,
    appUrl: config.APP_URL,
  });
  cleanups.push(() => notifier.stop());
  const streamer = startAuditStreamer(database.db, {
    intervalMs: config.AUDIT_STREAM_INTERVAL_MS,
    policy: {
      fileDir: config.AUDIT_STREAM_FILE_DIR,
      allowHttpLoopback: config.AUDIT_STREAM_HTTP_LOOPBACK,
    },
  });
  cleanups.push(() => streamer.stop());

  // Before Next loads: the app trusts only peer headers sealed with this process's secret.
  createPeerSealSecret();
  const app = next({ dev, dir: root, hostname: "localhost", port: config.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();
  const trusted = parseTrustedProxies(config.TRUSTED_PROXIES);
  const server = createServer((req, res) => {
    // Set here, before Next answers, so they are on every response, its static files included
    // (the proxy does not run for those or for /api/v1); lib/http/security-headers.ts says why.
    const https = servedOverHttps(
      {
        peer: req.socket.remoteAddress,
        host: req.headers.host,
        forwardedProto: req.headers["x-forwarded-proto"],
      },
      trusted,
      config.APP_URL,
    );
    const pathname = (req.url ?? "/").split("?")[0] ?? "/";
    for (const [name, value] of securityHeaders(https, pathname)) res.setHeader(name, value);
    // Whatever a client sends in these headers is replaced: they are facts about this connection,
    // sealed so the app can tell them from a client's copy (lib/http/peer-seal.ts).
    sealPeerHeaders(req.headers, req.socket.remoteAddress ?? "", randomUUID());
    // Fire and forget: Next answers its own failures (the 500 page); the promise only settles
    // when the response is done.
    void handle(req, res);
  });
  if (dev) {
    // Hot reload's websocket: a failed upgrade drops that socket, not the server.
    const upgrade = app.getUpgradeHandler();
    server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      upgrade(req, socket, head).catch((err: unknown) => {
        console.error(err);
        socket.destroy();
      });
    });
  }
  cleanups.push(
    () => new Promise<void>((resolve) => server.close(() => resolve())),
    async () => {
      await app.close?.();
    },
  );

  const announce = async () => {
    const url = `http://localhost:${config.PORT}`;
    console.log(`\nTrunkline is ready at ${url}`);
    console.log(
      `Database: ${database.kind === "pglite" ? "embedded PGlite in" : "Postgres at"} ${database.location}`,
    );
    if (await hasDemoData(database.db)) {
      console.log(`\nDemo sign-ins (password: ${DEMO_PASSWORD}):`);
      for (const s of DEMO_SIGN_INS)
        console.log(`  ${s.email.padEnd(24)} ${s.role.padEnd(9)} ${s.sees}`);
    }
  };
  server.listen(config.PORT, () => {
    // The server is up either way: a failed demo-data check is reported, not a crash.
    announce().catch((err: unknown) => console.error("Could not list the demo sign-ins:", err));
  });
}

main().catch((err: unknown) => {
  if (err instanceof DatabaseUnavailableError || err instanceof RuntimeRoleError) {
    console.error(`Cannot start: ${err.message}`);
  } else {
    console.error(err);
  }
  process.exit(1);
});
