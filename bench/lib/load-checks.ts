import { existsSync } from "node:fs";
import path from "node:path";
import { SERVER_CONDITION } from "@/tools/process/server-condition";
import { run } from "@/tools/process/exec";
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

export type ChainCheck = { ran: boolean; ok: boolean; detail: string };

/**
 * LEAD: the single call site of the tamper-evidence chain's verification (issue 14 item 2). It
 * runs `scripts/audit-verify.ts` (what `npm run audit:verify` runs) against the load test's
 * database when that script exists in this checkout, and reports its exit code and last lines.
 * Until then it reports plainly that the chain was not verified: nothing here pretends it was.
 * If verify needs the pending entries sealed first (`npm run audit:seal`), call that here too.
 */
export async function verifyAuditChain(databaseUrl: string): Promise<ChainCheck> {
  const script = path.join(process.cwd(), "scripts", "audit-verify.ts");
  if (!existsSync(script)) {
    return {
      ran: false,
      ok: false,
      detail:
        "not run: scripts/audit-verify.ts (`npm run audit:verify`) is not in this checkout yet",
    };
  }
  const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
  try {
    const out = await run(tsx, [SERVER_CONDITION, script], {
      cwd: process.cwd(),
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
    return { ran: true, ok: true, detail: lastLines(String(out)) };
  } catch (err) {
    return { ran: true, ok: false, detail: lastLines((err as Error).message) };
  }
}

const lastLines = (text: string) => text.trim().split("\n").slice(-3).join(" / ");
