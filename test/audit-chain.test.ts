import { readFileSync, writeFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "@/db/raw";
import { systemActor } from "@/lib/audit/actor";
import { recordAuditEvent } from "@/lib/audit/core";
import { readCheckpoints } from "@/lib/audit/chain/checkpoints";
import { GENESIS_HASH, linkHash } from "@/lib/audit/chain/links";
import { checkSignature, signEntry } from "@/lib/audit/chain/signing";
import { sealAuditLog } from "@/lib/audit/chain/seal";
import {
  lastVerification,
  runVerification,
  sealAndCheckpoint,
} from "@/lib/audit/chain/verification";
import { verifyAuditChain, type ProblemKind } from "@/lib/audit/chain/verify";
import { freshChainDatabaseEachTest } from "./chain-support";

/**
 * The tamper-evidence chain on PGlite (a superuser session, like someone with full SQL access):
 * every kind of edit is named by verification, and a consistent rewrite by the checkpoint.
 */

const chain = freshChainDatabaseEachTest("chain");

async function writeEntries(count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i += 1) {
    ids.push(
      await recordAuditEvent(chain.db, systemActor("chain test"), {
        action: "UPDATE",
        tableName: "accounts",
        recordPk: String(i),
        message: `Changed account ${i}`,
        before: { creditLimit: i },
        after: { creditLimit: i + 1, nested: { list: [i, "x"] } },
        accountId: i,
        relatedIds: [`account:${i}`],
      }),
    );
  }
  return ids;
}

async function verify() {
  return verifyAuditChain(chain.db, { checkpoints: readCheckpoints(chain.targets.file) });
}

function kinds(report: Awaited<ReturnType<typeof verify>>): [ProblemKind, number | null][] {
  return report.problems.map((p) => [p.kind, p.entryId]);
}

describe("sealing", () => {
  it("links every entry in id order from the genesis, and an untouched log verifies", async () => {
    const ids = await writeEntries(5);
    const result = await sealAndCheckpoint(chain.db, chain.targets);
    expect(result).toMatchObject({ sealed: 5, busy: false, head: { entryId: ids[4] } });

    const links = await queryRows<{ entry_id: string; entry_hash: string; chain_hash: string }>(
      chain.db,
      sql`select entry_id, entry_hash, chain_hash from audit_chain order by entry_id`,
    );
    let previous = GENESIS_HASH;
    for (const [i, link] of links.entries()) {
      expect(Number(link.entry_id)).toBe(ids[i]);
      previous = linkHash(previous, ids[i]!, link.entry_hash);
      expect(link.chain_hash).toBe(previous);
    }
    expect(readCheckpoints(chain.targets.file).latest).toMatchObject({
      lastId: ids[4],
      headHash: previous,
      kind: "seal",
    });

    const report = await verify();
    expect(report).toMatchObject({ ok: true, checkedEntries: 5, unsealedEntries: 0, problems: [] });
  });

  it("seals only what is new, and counts what is not sealed yet without calling it a problem", async () => {
    await writeEntries(3);
    await sealAuditLog(chain.db);
    await writeEntries(2);
    const before = await verify();
    expect(before).toMatchObject({ ok: true, checkedEntries: 3, unsealedEntries: 2 });
    expect((await sealAuditLog(chain.db)).sealed).toBe(2);
    expect(await verify()).toMatchObject({ ok: true, checkedEntries: 5, unsealedEntries: 0 });
  });

  it("hashes every stored column of audit_log (a new column must join the canonical encoding)", async () => {
    const columns = await queryRows<{ column_name: string }>(
      chain.db,
      sql`select column_name from information_schema.columns where table_name = 'audit_log'`,
    );
    const [fn] = await queryRows<{ def: string }>(
      chain.db,
      sql`select pg_get_functiondef('trunkline_audit_entry_hash(audit_log)'::regprocedure) as def`,
    );
    const hashed = new Set([...fn!.def.matchAll(/\ba\.([a-z_]+)/g)].map((m) => m[1]));
    const missing = columns.map((c) => c.column_name).filter((c) => c !== "id" && !hashed.has(c));
    expect(columns.length).toBeGreaterThan(15);
    expect(missing).toEqual([]);
  });
});

describe("tampering a superuser can do is named", () => {
  it("an edited entry is 'changed', by id, also for a change in a nested value", async () => {
    const ids = await writeEntries(4);
    await sealAndCheckpoint(chain.db, chain.targets);
    await chain.asSuperuser(
      sql`update audit_log set after = jsonb_set(after, '{nested,list,0}', '99') where id = ${ids[1]!}`,
    );
    await chain.asSuperuser(
      sql`update audit_log set occurred_at = occurred_at - interval '1 microsecond' where id = ${ids[3]!}`,
    );
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(kinds(report)).toEqual([
      ["changed", ids[1]],
      ["changed", ids[3]],
    ]);
  });

  it("a deleted entry is 'deleted', and deleting its link too breaks the chain between its neighbours", async () => {
    const ids = await writeEntries(5);
    await sealAndCheckpoint(chain.db, chain.targets);
    await chain.asSuperuser(sql`delete from audit_log where id = ${ids[1]!}`);
    expect(kinds(await verify())).toEqual([["deleted", ids[1]]]);

    await chain.asSuperuser(sql`delete from audit_chain where entry_id = ${ids[1]!}`);
    const report = await verify();
    expect(kinds(report)).toEqual([["chain-broken", ids[2]]]);
    expect(report.problems[0]!.detail).toContain(`between entries ${ids[0]} and ${ids[2]}`);
  });

  it("an entry appended in SQL is 'inserted' before any seal, and stays so once sealed", async () => {
    const ids = await writeEntries(2);
    await sealAndCheckpoint(chain.db, chain.targets);
    const forge = (message: string) =>
      chain.asSuperuser(
        sql`insert into audit_log (actor_type, actor_label, channel, action, table_name, message)
            values ('user', 'Alice', 'control_panel', 'UPDATE', 'accounts', ${message})`,
      );
    await forge("Forged after the last seal");
    const [{ id }] = (await queryRows<{ id: string }>(
      chain.db,
      sql`select max(id) as id from audit_log`,
    )) as [{ id: string }];
    const forged = Number(id);
    expect(forged).toBeGreaterThan(ids[1]!);
    expect(kinds(await verify())).toEqual([["inserted", forged]]);

    // a forger who copies a real signature gains nothing: it signs another id and content
    await chain.asSuperuser(
      sql`insert into audit_signatures select ${forged}, signature from audit_signatures where entry_id = ${ids[1]!}`,
    );
    await sealAuditLog(chain.db);
    const report = await verify();
    expect(kinds(report)).toEqual([["changed", forged]]);
  });

  it("an entry inserted into the sealed range is 'inserted'", async () => {
    const [first] = await writeEntries(1);
    // a rolled-back write leaves its id unused, as happens in production
    await chain.db
      .transaction(async (tx) => {
        await recordAuditEvent(tx, systemActor(), {
          action: "UPDATE",
          tableName: "accounts",
          message: "x",
        });
        throw new Error("roll back");
      })
      .catch(() => {});
    const later = await writeEntries(2);
    await sealAndCheckpoint(chain.db, chain.targets);
    const gap = first! + 1;
    expect(later[0]).toBeGreaterThan(gap);
    await chain.asSuperuser(
      sql`insert into audit_log (id, actor_type, actor_label, channel, action, table_name, message)
          values (${gap}, 'user', 'Alice', 'control_panel', 'UPDATE', 'accounts', 'Forged')`,
    );
    expect(kinds(await verify())).toEqual([["inserted", gap]]);
  });

  it("swapped entries are 'reordered', each naming where its content was sealed", async () => {
    const ids = await writeEntries(3);
    await sealAndCheckpoint(chain.db, chain.targets);
    const [a, b] = [ids[0]!, ids[2]!];
    await chain.asSuperuser(sql`update audit_log set id = -1 where id = ${a}`);
    await chain.asSuperuser(sql`update audit_log set id = ${a} where id = ${b}`);
    await chain.asSuperuser(sql`update audit_log set id = ${b} where id = -1`);
    const report = await verify();
    expect(kinds(report)).toEqual([
      ["reordered", a],
      ["reordered", b],
    ]);
    expect(report.problems[0]!.detail).toBe(`entry ${a} holds what was sealed as entry ${b}`);
  });

  it("a chain rewritten consistently after an edit passes the links but not the signature or the checkpoint", async () => {
    const ids = await writeEntries(4);
    await sealAndCheckpoint(chain.db, chain.targets);
    await chain.asSuperuser(
      sql`update audit_log set message = 'Nothing happened' where id = ${ids[2]!}`,
    );
    // the attacker recomputes every link from the edited entry on
    await chain.asSuperuser(sql`delete from audit_chain where entry_id >= ${ids[2]!}`);
    await sealAuditLog(chain.db);
    // the links agree again; the entry's signature, made with a key the database never held, does not
    const withoutCheckpoint = await verifyAuditChain(chain.db);
    expect(kinds(withoutCheckpoint)).toEqual([["changed", ids[2]]]);
    expect(withoutCheckpoint.problems[0]!.detail).toContain("signature does not verify");

    const report = await verify();
    expect(kinds(report)).toEqual([
      ["changed", ids[2]],
      ["checkpoint-mismatch", ids[3]],
    ]);
    expect(report.problems[1]!.detail).toContain("the chain was rewritten");
  });

  it("removing the newest entries with their links is caught by the checkpoint", async () => {
    const ids = await writeEntries(4);
    await sealAndCheckpoint(chain.db, chain.targets);
    await chain.asSuperuser(sql`delete from audit_log where id >= ${ids[2]!}`);
    await chain.asSuperuser(sql`delete from audit_chain where entry_id >= ${ids[2]!}`);
    const report = await verify();
    expect(kinds(report)).toEqual([["checkpoint-mismatch", ids[3]]]);
    expect(report.problems[0]!.detail).toContain("its tail was removed");
  });

  it("an edited checkpoint file is itself a finding", async () => {
    await writeEntries(2);
    await sealAndCheckpoint(chain.db, chain.targets);
    writeFileSync(chain.targets.file, `${readFileSync(chain.targets.file, "utf8")}not json\n`);
    expect(kinds(await verify())).toEqual([["checkpoint-file", null]]);
  });

  it("verifies a range only, from the link before it", async () => {
    const ids = await writeEntries(6);
    await sealAndCheckpoint(chain.db, chain.targets);
    await chain.asSuperuser(sql`update audit_log set message = 'x' where id = ${ids[0]!}`);
    const range = await verifyAuditChain(chain.db, { fromId: ids[2]!, toId: ids[4]! });
    expect(range).toMatchObject({ ok: true, checkedEntries: 3 });
    expect(kinds(await verifyAuditChain(chain.db, { toId: ids[1]! }))).toEqual([
      ["changed", ids[0]],
    ]);
  });
});

describe("recording a verification", () => {
  it("keeps the result, and a run someone asked for is itself an audit entry", async () => {
    await writeEntries(3);
    await sealAndCheckpoint(chain.db, chain.targets);
    const actor = systemActor("Alice Admin");
    const { report, verificationId } = await runVerification(chain.db, chain.targets, {
      label: "Alice Admin",
      actor,
    });
    expect(report.ok).toBe(true);
    expect(await lastVerification(chain.db)).toMatchObject({
      id: verificationId,
      ok: true,
      checkedEntries: 3,
      requestedBy: "Alice Admin",
    });
    const [entry] = await queryRows<{ message: string; action: string }>(
      chain.db,
      sql`select message, action from audit_log where request_id = ${actor.requestId}`,
    );
    expect(entry).toEqual({
      action: "GENERATE",
      message: "Verified the audit log: 3 sealed entries intact",
    });
  });
});

describe("signatures", () => {
  it("tells a signature under another key from a forged one", () => {
    const hash = "a".repeat(64);
    const own = signEntry(7, hash);
    expect(checkSignature(7, hash, own)).toBe("valid");
    expect(checkSignature(8, hash, own)).toBe("invalid");
    expect(checkSignature(7, "b".repeat(64), own)).toBe("invalid");
    expect(checkSignature(7, hash, `00000000:${own.split(":")[1]}`)).toBe("other-key");
    expect(checkSignature(7, hash, undefined)).toBe("missing");
    expect(checkSignature(7, hash, `${own.slice(0, -1)}`)).toBe("invalid");
  });
});
