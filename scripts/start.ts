import { spawnSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import next from "next";
import { DatabaseUnavailableError, openDatabase, setDatabase, type Database } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { DEMO_SIGN_INS, DEMO_PASSWORD, seedDemo } from "@/db/seed/demo";
import { hasDemoData, hasAnyUser } from "@/db/seed/status";
import { readConfig } from "@/lib/config";
import { PEER_IP_HEADER } from "@/lib/http/client-ip";
import { REQUEST_ID_HEADER } from "@/lib/http/request-context";
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

function ensureBuild() {
  if (buildIsCurrent(root)) return;
  console.log("Building the app (next build)…");
  const started = Date.now();
  const result = spawnSync("npx", ["next", "build"], {
    cwd: root,
    stdio: "inherit",
    env: process.env,
  });
  if (result.status !== 0) throw new Error("next build failed");
  writeFileSync(stampFile(root), sourceFingerprint(root));
  console.log(`Built in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
}

async function prepareDatabase(): Promise<Database> {
  const database = await openDatabase();
  await migrateDatabase(database);
  if (database.kind === "pglite" && !(await hasAnyUser(database.db))) {
    console.log("Empty embedded database: loading the demo data (about a minute)…");
    await seedDemo(database.db);
  } else if (!(await hasAnyUser(database.db))) {
    console.log(
      "The database has no users: run `npm run db:seed` (demo) or `npm run create-admin`.",
    );
  }
  return database;
}

async function main() {
  process.env.NEXT_TELEMETRY_DISABLED ??= "1";
  process.env.AUTH_TRUST_HOST ??= "true";
  const config = readConfig();
  ensureAuthSecret(path.join(root, ".data"));
  // The database first: an unreachable server should fail in seconds, not after a build.
  const database = await prepareDatabase();
  setDatabase(database);
  if (!dev) ensureBuild();

  const app = next({ dev, dir: root, hostname: "localhost", port: config.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = createServer((req, res) => {
    // Whatever a client sends in these headers is replaced: they are facts about this connection.
    req.headers[PEER_IP_HEADER] = req.socket.remoteAddress ?? "";
    req.headers[REQUEST_ID_HEADER] = randomUUID();
    void handle(req, res);
  });
  if (dev) server.on("upgrade", app.getUpgradeHandler());

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    server.close();
    await app.close?.();
    await database.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  server.listen(config.PORT, async () => {
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
  });
}

main().catch((err: unknown) => {
  if (err instanceof DatabaseUnavailableError) {
    console.error(`Cannot start: ${err.message}`);
  } else {
    console.error(err);
  }
  process.exit(1);
});
