import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { SQL } from "drizzle-orm";
import { afterAll, beforeEach } from "vitest";
import type { CheckpointTargets } from "@/lib/audit/chain/checkpoints";
import { createTestDatabase, type TestDatabase } from "./db";

/**
 * For the chain's tests: a fresh database and a checkpoint file of its own for every test
 * (each tampers with the log), and a superuser's way around the guards, as the attacker.
 */
export function freshChainDatabaseEachTest(name: string) {
  const folder = mkdtempSync(path.join(tmpdir(), `trunkline-${name}-`));
  let database: TestDatabase | undefined;
  let targets: CheckpointTargets | undefined;
  let run = 0;
  beforeEach(async () => {
    await database?.close();
    database = await createTestDatabase();
    targets = { file: path.join(folder, `checkpoints-${(run += 1)}.jsonl`) };
  });
  afterAll(async () => {
    await database?.close();
    rmSync(folder, { recursive: true, force: true });
  });
  const open = () => {
    if (!database || !targets) throw new Error("The database opens in beforeEach");
    return { database, targets };
  };
  return {
    get db() {
      return open().database.db;
    },
    get targets() {
      return open().targets;
    },
    /** Runs `statement` with every trigger off (session_replication_role = replica). */
    async asSuperuser(statement: SQL) {
      const { client, db } = open().database;
      await client.exec("set session_replication_role = replica");
      try {
        await db.execute(statement);
      } finally {
        await client.exec("set session_replication_role = default");
      }
    },
  };
}
