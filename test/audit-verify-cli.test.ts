import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPglite } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { systemActor } from "@/lib/audit/actor";
import { recordAuditEvent } from "@/lib/audit/core";
import { SERVER_CONDITION } from "@/tools/process/server-condition";

/**
 * `npm run audit:seal` and `npm run audit:verify` as an operator runs them, on an embedded
 * database: exit 0 on an intact log, 1 naming each tampered entry, 2 on bad arguments.
 */
const root = mkdtempSync(path.join(tmpdir(), "trunkline-verify-cli-"));
const folder = path.join(root, "pglite");
const env = {
  ...process.env,
  DATABASE_URL: "",
  PGLITE_DIR: folder,
  AUDIT_CHECKPOINT_FILE: path.join(root, "checkpoints.jsonl"),
};
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function cli(script: string, args: string[] = []) {
  const tsx = path.resolve("node_modules/.bin/tsx");
  try {
    const { stdout, stderr } = await promisify(execFile)(
      tsx,
      [SERVER_CONDITION, `scripts/${script}.ts`, ...args],
      { env },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/** Opens the folder (the CLI is not running then), does `work`, closes it. */
async function withDatabase(work: (d: Awaited<ReturnType<typeof openPglite>>) => Promise<void>) {
  const database = await openPglite(folder);
  try {
    await work(database);
  } finally {
    await database.close();
  }
}

const ids: number[] = [];

describe("npm run audit:verify", () => {
  beforeAll(async () => {
    await withDatabase(async (database) => {
      await migrateDatabase(database);
      for (let i = 0; i < 5; i += 1) {
        ids.push(
          await recordAuditEvent(database.db, systemActor("cli test"), {
            action: "UPDATE",
            tableName: "accounts",
            message: `Changed account ${i}`,
          }),
        );
      }
    });
  }, 60_000);

  it("seals, then verifies an untouched log with exit 0", async () => {
    const sealed = await cli("audit-seal");
    expect(sealed).toMatchObject({ code: 0 });
    expect(sealed.stdout).toContain(`Sealed 5 entries; the chain ends at entry ${ids[4]}`);
    const verified = await cli("audit-verify");
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain("Verified the audit log: 5 sealed entries intact");
    expect(verified.stdout).toContain(`checkpoint: entry ${ids[4]}`);
  }, 60_000);

  it("exits 1 naming an edited, a deleted and an appended entry", async () => {
    let forged = 0;
    await withDatabase(async ({ client, db }) => {
      await client.exec("set session_replication_role = replica");
      await db.execute(
        sql`update audit_log set message = 'Nothing happened' where id = ${ids[1]!}`,
      );
      await db.execute(sql`delete from audit_log where id = ${ids[3]!}`);
      const result = await client.query<{ id: number }>(
        `insert into audit_log (actor_type, actor_label, channel, action, table_name, message)
         values ('user', 'Alice', 'control_panel', 'UPDATE', 'accounts', 'Forged') returning id`,
      );
      forged = Number(result.rows[0]!.id);
    });
    const verified = await cli("audit-verify");
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain("Verified the audit log: 3 problems in 5 sealed entries");
    expect(verified.stdout).toContain(`changed: entry ${ids[1]} differs from what was sealed`);
    expect(verified.stdout).toContain(`deleted: entry ${ids[3]} was sealed`);
    expect(verified.stdout).toContain(`inserted: entry ${forged} has no signature`);

    const json = await cli("audit-verify", ["--json", "--from", String(ids[3])]);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as { problems: { kind: string; entryId: number }[] };
    expect(report.problems.map((p) => [p.kind, p.entryId])).toEqual([
      ["deleted", ids[3]],
      ["inserted", forged],
    ]);
  }, 60_000);

  it("exits 2 with the usage on a bad argument", async () => {
    const bad = await cli("audit-verify", ["--from", "x"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Usage: npm run audit:verify");
  }, 30_000);
});
