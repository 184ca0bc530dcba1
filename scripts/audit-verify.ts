import { parseArgs } from "node:util";
import { z } from "zod";
import { DatabaseUnavailableError, openDatabase } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { readConfig } from "@/lib/config";
import { runVerification, verificationMessage } from "@/lib/audit/chain/verification";

/**
 * `npm run audit:verify [-- --from ID] [--to ID] [--checkpoints FILE] [--json]`: checks the audit
 * log against its chain and the latest external checkpoint, names every entry changed, reordered,
 * deleted or inserted out of band, and exits 1 when there is any. It seals nothing: what is not
 * sealed yet is counted, not blessed.
 */
const argsSchema = z.object({
  from: z.coerce.number().int().positive().optional(),
  to: z.coerce.number().int().positive().optional(),
  checkpoints: z.string().min(1).optional(),
  json: z.boolean().default(false),
});

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      from: { type: "string" },
      to: { type: "string" },
      checkpoints: { type: "string" },
      json: { type: "boolean" },
    },
  });
  const args = argsSchema.safeParse(values);
  if (!args.success) {
    console.error(
      "Usage: npm run audit:verify -- [--from ID] [--to ID] [--checkpoints FILE] [--json]\n" +
        args.error.issues.map((i) => `  --${i.path.join(".")}: ${i.message}`).join("\n"),
    );
    return 2;
  }
  const config = readConfig();
  const database = await openDatabase();
  try {
    await migrateDatabase(database);
    const { report } = await runVerification(
      database.db,
      { file: args.data.checkpoints ?? config.AUDIT_CHECKPOINT_FILE },
      { label: "npm run audit:verify" },
      { fromId: args.data.from, toId: args.data.to },
    );
    if (args.data.json) {
      console.log(JSON.stringify(report, null, 2));
    } else {
      console.log(verificationMessage(report));
      console.log(
        `  range ${report.fromId}–${report.toId ?? "end"}, sealed up to entry ${report.sealedHeadId}, ` +
          `${report.unsealedEntries} newer entries not sealed yet`,
      );
      console.log(
        report.checkpoint
          ? `  checkpoint: entry ${report.checkpoint.lastId} of ${report.checkpoint.at}`
          : "  no external checkpoint to compare with: a consistent rewrite of the chain would pass",
      );
      for (const problem of report.problems) console.log(`  ${problem.kind}: ${problem.detail}`);
      if (report.problemCount > report.problems.length) {
        console.log(`  … and ${report.problemCount - report.problems.length} more`);
      }
    }
    return report.ok ? 0 : 1;
  } finally {
    await database.close();
  }
}

main()
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    console.error(err instanceof DatabaseUnavailableError ? `Cannot verify: ${err.message}` : err);
    process.exit(2);
  });
