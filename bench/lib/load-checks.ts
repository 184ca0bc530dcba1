import type { Db } from "@/db/client";
import {
  runVerification,
  sealAndCheckpoint,
  verificationMessage,
} from "@/lib/audit/chain/verification";
import type { Ack } from "./load-traffic";

type Raw = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

export type IntegrityCheck = {
  acknowledged: number;
  /** Acknowledged mutations whose request has exactly one entry of its verb, record and values. */
  matching: number;
  /** Entries on accounts written during the phase (acknowledged or not). */
  entries: number;
  /** Of those, entries whose request was never acknowledged: cut off by a fault, yet committed. */
  unacknowledged: number;
  /** Accounts touched in the phase whose row equals the after-image of their newest entry. */
  recordsAgree: number;
  records: number;
  problems: string[];
};

/**
 * Every acknowledged mutation has exactly one entry (by its X-Request-Id) of its verb, its account
 * and the values the answer reported; no entry without its change: each account an entry of the
 * phase is about exists and holds its newest entry's after-image (name and channels), and each
 * account created in the phase has its CREATE entry. `sinceEntryId` and `sinceAccountId`: the
 * largest ids before the phase began.
 */
export async function checkIntegrity(
  raw: Raw,
  acks: Ack[],
  sinceEntryId: number,
  sinceAccountId: number,
): Promise<IntegrityCheck> {
  const problems: string[] = [];
  const note = (p: string) => {
    if (problems.length < 30) problems.push(p);
  };
  const ids = acks.map((a) => a.requestId).filter((id): id is string => Boolean(id));
  if (ids.length < acks.length) note(`${acks.length - ids.length} answers without X-Request-Id`);
  const rows = await raw(
    `select request_id, count(*)::int as n, min(action::text) as action,
       min(table_name) as table_name, min(record_pk) as record,
       min(after->>'name') as name, min(after->>'channels') as channels
     from audit_log where request_id = any($1::text[]) group by request_id`,
    [ids],
  );
  const byId = new Map(rows.map((r) => [String(r.request_id), r]));
  let matching = 0;
  for (const a of acks) {
    const row = a.requestId ? byId.get(a.requestId) : undefined;
    if (!row) {
      note(`${a.method} ${a.requestId} (account ${a.accountId}): acknowledged, no entry`);
      continue;
    }
    const same =
      Number(row.n) === 1 &&
      row.action === a.method &&
      row.table_name === "accounts" &&
      row.record === String(a.accountId) &&
      row.name === a.name &&
      Number(row.channels) === a.channels;
    if (same) matching++;
    else note(`${a.method} ${a.requestId}: entry ${JSON.stringify(row)} does not match the answer`);
  }

  const entries = await raw(
    `select count(*)::int as n,
       count(*) filter (where not (request_id = any($2::text[])))::int as unacked
     from audit_log where id > $1 and table_name = 'accounts'`,
    [sinceEntryId, ids],
  );
  // The newest entry of each account touched in the phase, against the row as it is now.
  const records = await raw(
    `with newest as (
       select distinct on (record_pk) record_pk, id, action::text as action, after
       from audit_log where id > $1 and table_name = 'accounts'
       order by record_pk, id desc)
     select n.record_pk, n.id as entry_id, n.action, n.after->>'name' as entry_name,
       (n.after->>'channels')::int as entry_channels, a.id as account_id, a.name, a.channels
     from newest n left join accounts a on a.id::text = n.record_pk`,
    [sinceEntryId],
  );
  let recordsAgree = 0;
  for (const r of records) {
    if (r.account_id === null)
      note(`entry ${String(r.entry_id)}: account ${String(r.record_pk)} does not exist`);
    else if (r.name !== r.entry_name || Number(r.channels) !== Number(r.entry_channels)) {
      note(
        `account ${String(r.record_pk)} holds ${JSON.stringify([r.name, r.channels])}, its newest entry ${String(r.entry_id)} says ${JSON.stringify([r.entry_name, r.entry_channels])}`,
      );
    } else recordsAgree++;
  }
  const orphans = await raw(
    `select a.id from accounts a where a.id > $1 and not exists (
       select 1 from audit_log e where e.table_name = 'accounts' and e.record_pk = a.id::text
         and e.action in ('CREATE', 'POST'))`,
    [sinceAccountId],
  );
  for (const o of orphans) note(`account ${String(o.id)} was created without an entry`);

  return {
    acknowledged: acks.length,
    matching,
    entries: Number(entries[0]?.n ?? 0),
    unacknowledged: Number(entries[0]?.unacked ?? 0),
    recordsAgree,
    records: records.length,
    problems,
  };
}

export type ChainCheck = { name: string; ok: boolean; detail: string };

/**
 * The tamper-evidence chain across both instances (issue 14 item 2): each instance sealed on its
 * own timer and wrote its checkpoints to its own file, as two machines would. Seals what is left
 * (what `npm run audit:seal` does), then verifies the whole log against each instance's latest
 * checkpoint (what `npm run audit:verify -- --checkpoints FILE` does), through the same library
 * functions the two scripts call. Passes when nothing is wrong, nothing is left unsealed and each
 * instance's checkpoint was found and agrees.
 */
export async function verifyChainAcrossInstances(
  db: Db,
  sealFile: string,
  checkpointFiles: { instance: string; file: string }[],
): Promise<ChainCheck[]> {
  const sealed = await sealAndCheckpoint(db, { file: sealFile }, { always: true });
  const checks: ChainCheck[] = [];
  for (const { instance, file } of checkpointFiles) {
    const { report } = await runVerification(db, { file }, { label: "npm run bench:load" });
    checks.push({
      name: `the chain verifies against instance ${instance}'s latest checkpoint`,
      ok: report.ok && report.unsealedEntries === 0 && report.checkpoint !== null,
      detail:
        `${verificationMessage(report)}; sealed up to entry ${report.sealedHeadId} ` +
        `(${sealed.sealed} sealed after the instances stopped), ${report.unsealedEntries} not sealed; ` +
        (report.checkpoint
          ? `${instance}'s checkpoint: entry ${report.checkpoint.lastId} at ${report.checkpoint.at}`
          : `no checkpoint from ${instance}`) +
        (report.problems.length
          ? `; ${report.problems
              .slice(0, 5)
              .map((p) => `${p.kind}: ${p.detail}`)
              .join("; ")}`
          : ""),
    });
  }
  return checks;
}

/** Verification of the whole log against `file`, for the negative control after tampering. */
export async function verifyChain(db: Db, file: string) {
  const { report } = await runVerification(db, { file }, { label: "npm run bench:load (control)" });
  return report;
}
