import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { DatabaseUnavailableError } from "@/db/client";
import { exportPgliteFolder } from "@/db/embedded/export-folder";
import { ExportRefusedError, type ExportReport } from "@/db/embedded/export-to-postgres";
import { readConfig } from "@/lib/config";

/**
 * `npm run db:export -- --to postgres://…`: moves the embedded database (PGLITE_DIR, or --from)
 * into an empty Postgres database, for running the app on a real server from then on.
 */

const USAGE = `Usage: npm run db:export -- --to postgres://user:password@host:5432/database [--from <folder>]

Copies the embedded database (--from, else PGLITE_DIR, default ./.data/pglite) into an empty
Postgres database: migrates it, copies every row, sets the sequences and checks the result.
Stop \`npm start\` first: the export needs the folder to itself.`;

class UsageError extends Error {}

const postgresUrl = z.string().refine((value) => {
  try {
    return ["postgres:", "postgresql:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}, "--to must be a postgres:// URL");

function parseArguments(argv: string[]): { to: string; from: string } | "help" {
  let values: { to?: string; from?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        to: { type: "string" },
        from: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return "help";
  if (!values.to) throw new UsageError("--to is required");
  const to = postgresUrl.safeParse(values.to);
  if (!to.success) throw new UsageError(to.error.issues[0]!.message);
  return { to: to.data, from: path.resolve(values.from ?? readConfig().PGLITE_DIR) };
}

/** host:port/database, for lines that should not print a password. */
function describeTarget(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || 5432}${u.pathname}`;
}

/** The command to run next, with any password left for the reader to fill in. */
function nextStep(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "<password>";
  return `DATABASE_URL='${u.toString().replace("%3Cpassword%3E", "<password>")}' npm start`;
}

function printSummary(report: ExportReport, from: string, to: string) {
  const rows = report.tables.reduce((sum, t) => sum + t.rows, 0);
  const n = (value: number) => value.toLocaleString("en-US");
  console.log(
    `\nExported ${from} to ${describeTarget(to)} in ${report.seconds.toFixed(1)} s: ` +
      `${report.tables.length} tables, ${n(rows)} rows, ${n(report.auditEntries)} audit entries` +
      (report.newestAuditId === null ? "." : ` (newest #${report.newestAuditId}).`),
  );
  console.log("Row counts and the newest audit entry were checked against the source.");
  console.log(`\nNext: run the app on the server instead of the embedded database:`);
  console.log(`  ${nextStep(to)}`);
  console.log(`The embedded database in ${from} was left as it was; keep it as a backup.`);
}

async function main() {
  const args = parseArguments(process.argv.slice(2));
  if (args === "help") {
    console.log(USAGE);
    return;
  }
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  console.log(`Exporting ${args.from} to ${describeTarget(args.to)}`);
  const report = await exportPgliteFolder(args.from, args.to, {
    log: (line) => console.log(`[${elapsed()}] ${line}`),
  });
  printSummary(report, args.from, args.to);
}

main().catch((err: unknown) => {
  if (err instanceof UsageError) {
    console.error(`${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  const known = err instanceof DatabaseUnavailableError || err instanceof ExportRefusedError;
  // Only the message: a failed insert's cause quotes a whole chunk of rows.
  const message = err instanceof Error ? err.message : String(err);
  console.error(known ? `Cannot export: ${message}` : `Export failed: ${message}`);
  process.exit(1);
});
