/**
 * `npm run check:db`: the schema (db/schema/) and the committed migrations (db/migrations/) agree.
 * `drizzle-kit check` verifies the migration snapshots are consistent with each other; then
 * `drizzle-kit generate` runs against a copy of db/migrations and must find nothing to write,
 * or a schema change lacks its migration (`npm run db:generate`).
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import config from "../drizzle.config";

const root = path.resolve(__dirname, "..");
const drizzleKit = path.join(root, "node_modules", ".bin", "drizzle-kit");

function drizzle(args: string[]): string {
  const result = spawnSync(drizzleKit, args, { cwd: root, encoding: "utf8" });
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) {
    console.error(output);
    throw new Error(`drizzle-kit ${args[0]} exited with ${result.status ?? result.signal}`);
  }
  return output;
}

const filesIn = (dir: string) => readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();

function main(): number {
  drizzle(["check"]);

  // Inside the repository (drizzle-kit takes `out` relative to the working directory); .data/ is
  // ignored by git and the tools.
  mkdirSync(path.join(root, ".data"), { recursive: true });
  const scratch = mkdtempSync(path.join(root, ".data", "check-migrations-"));
  try {
    const out = path.join(scratch, "migrations");
    cpSync(path.join(root, config.out ?? "db/migrations"), out, { recursive: true });
    const scratchConfig = path.join(scratch, "drizzle.config.js");
    writeFileSync(
      scratchConfig,
      `module.exports = ${JSON.stringify({ ...config, out: path.relative(root, out) })};\n`,
    );
    const before = filesIn(out);
    drizzle(["generate", "--config", path.relative(root, scratchConfig)]);
    const added = filesIn(out).filter((f) => !before.includes(f));
    if (added.length > 0) {
      console.error(
        `The schema has changes no migration holds (drizzle-kit generate would write ${added.join(", ")}): run \`npm run db:generate\` and commit the migration.`,
      );
      return 1;
    }
    console.log("Schema and migrations agree.");
    return 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

process.exit(main());
