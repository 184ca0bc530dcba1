import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres, type ServerDatabase } from "@/db/client";
import { pgErrorOf } from "@/db/errors";
import { queryRows } from "@/db/raw";
import { systemActor } from "@/lib/audit/actor";
import { recordAuditEvent } from "@/lib/audit/core";
import { readCheckpoints } from "@/lib/audit/chain/checkpoints";
import { runAuditRetention } from "@/lib/audit/chain/retention";
import { sealAuditLog } from "@/lib/audit/chain/seal";
import { verifyAuditChain } from "@/lib/audit/chain/verify";
import { postgresBinaries, startRealPostgres, type RealPostgres } from "./real-postgres";

/**
 * Retention on a real server with two roles, as deployed: the runtime role the app connects as
 * may insert into audit_log but not delete from it (not even with the retention setting), so
 * the command connects as the owner through MIGRATION_DATABASE_URL; the app keeps writing
 * entries while the batches delete, and everything verifies afterwards.
 */
const onServer = postgresBinaries || process.env.CI ? describe : describe.skip;
const run = promisify(execFile);

const RUNTIME_ROLE = "trunkline_runtime";
const YEAR_AGO = new Date(Date.now() - 400 * 86_400_000);

onServer("audit retention as the owner (real Postgres)", () => {
  let pg: RealPostgres;
  let runtime: ServerDatabase;
  let ownerUrl: string;
  let runtimeUrl: string;
  const folder = mkdtempSync(path.join(tmpdir(), "trunkline-retention-pg-"));
  const file = path.join(folder, "checkpoints.jsonl");

  beforeAll(async () => {
    pg = await startRealPostgres("trunkline_retention");
    // the harness's cluster: postgres@127.0.0.1:PORT/DB with trust auth on loopback
    ownerUrl = `postgres://postgres@${pg.database.location}`;
    runtimeUrl = `postgres://${RUNTIME_ROLE}@${pg.database.location}`;
    await pg.database.db.execute(
      sql.raw(`create role ${RUNTIME_ROLE} login;
        grant usage on schema public to ${RUNTIME_ROLE};
        grant select, insert, update, delete on all tables in schema public to ${RUNTIME_ROLE};
        revoke update, delete, truncate on audit_log, audit_chain, audit_retention_cuts
          from ${RUNTIME_ROLE};
        grant usage, select on all sequences in schema public to ${RUNTIME_ROLE};`),
    );
    runtime = await openPostgres(runtimeUrl);
  }, 60_000);
  afterAll(async () => {
    await runtime?.close();
    await pg?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  const write = (db: ServerDatabase["db"], label: string, at?: Date) =>
    recordAuditEvent(db, systemActor(label, at ? { at } : {}), {
      action: "UPDATE",
      tableName: "accounts",
      message: `${label} wrote`,
    });

  it("refuses the runtime role's delete, and the command run as the owner removes the old entries", async () => {
    const owner = pg.database.db;
    const old: number[] = [];
    for (let i = 0; i < 30; i += 1) old.push(await write(runtime.db, "old", YEAR_AGO));
    await sealAuditLog(owner);

    const attempt = runtime.db.transaction(async (tx) => {
      await tx.execute(
        sql`select set_config('trunkline.retention_through', ${String(old[0])}, true)`,
      );
      await tx.execute(sql`delete from audit_log where id = ${old[0]!}`);
    });
    const err = await attempt.then(
      () => null,
      (e: unknown) => e,
    );
    expect(pgErrorOf(err)?.message).toMatch(/permission denied for table audit_log/);

    const env = {
      ...process.env,
      DATABASE_URL: runtimeUrl,
      AUDIT_CHECKPOINT_FILE: file,
      AUDIT_CHECKPOINT_URL: "",
    };
    const command = [
      "tsx",
      "--conditions=react-server",
      "scripts/audit-retention.ts",
      "--keep-months",
      "12",
    ];
    // with the runtime role alone, it stops before cutting anything
    const refused = await run("npx", command, { env }).then(
      () => null,
      (e: { stderr: string }) => e.stderr,
    );
    expect(refused).toContain("Cannot run retention: the database role this connects as may not");
    const [cuts] = await queryRows<{ n: string }>(
      owner,
      sql`select count(*) as n from audit_retention_cuts`,
    );
    expect(Number(cuts!.n)).toBe(0);

    const { stdout } = await run("npx", command, {
      env: { ...env, MIGRATION_DATABASE_URL: ownerUrl },
    });
    expect(stdout).toContain("Audit entries before");
    expect(stdout).toContain(`30 removed, up to entry ${old[29]}`);
    const [left] = await queryRows<{ n: string }>(
      owner,
      sql`select count(*) as n from audit_log where id <= ${old[29]!}`,
    );
    expect(Number(left!.n)).toBe(0);
    await sealAuditLog(owner);
    const report = await verifyAuditChain(owner, { checkpoints: readCheckpoints(file) });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  }, 120_000);

  it("keeps the log writable while the batches delete, and everything verifies after", async () => {
    const owner = pg.database.db;
    // many entries in one statement
    await owner.execute(sql`
      insert into audit_log (actor_type, actor_label, channel, request_id, action, table_name,
                             message)
      select 'system', 'bulk', 'system', gen_random_uuid(), 'UPDATE', 'accounts', 'bulk ' || g
      from generate_series(1, 3000) g`);

    let deleting = true;
    const written: number[] = [];
    const writer = async () => {
      while (deleting) written.push(await write(runtime.db, "during retention"));
    };
    const writers = [writer(), writer(), writer()];
    let batches = 0;
    // a period that ends in a minute: everything sealed when the run starts goes
    const result = await runAuditRetention(owner, {
      before: new Date(Date.now() + 60_000),
      targets: { file },
      batchSize: 100,
      onBatch: () => void (batches += 1),
    }).finally(() => {
      deleting = false;
    });
    await Promise.all(writers);

    const cut = result.cut!.lastRemovedId;
    expect(result.cut!.removedEntries).toBeGreaterThanOrEqual(3000);
    expect(batches).toBeGreaterThanOrEqual(30);
    const after = written.filter((id) => id > cut);
    expect(after.length).toBeGreaterThan(0);
    const [left] = await queryRows<{ below: string; above: string }>(
      owner,
      sql`select count(*) filter (where id <= ${cut}) as below,
                 count(*) filter (where id > ${cut} and actor_label = 'during retention') as above
          from audit_log`,
    );
    expect({ below: Number(left!.below), above: Number(left!.above) }).toEqual({
      below: 0,
      above: after.length,
    });
    await sealAuditLog(owner);
    const report = await verifyAuditChain(owner, { checkpoints: readCheckpoints(file) });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, unsealedEntries: 0 });
    expect(report.checkedEntries).toBeGreaterThan(after.length);
  }, 120_000);
});
