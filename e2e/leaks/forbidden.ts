import type postgres from "postgres";
import { AUDITED_TABLES } from "../../lib/audit/tables";
import { BRANDING_TABLES } from "../../lib/audit/table-names";
import { can } from "../../lib/auth/permissions";
import { isPortalRole } from "../../lib/auth/roles";
import { defaultAuditColumns, isAuditColumnKey } from "../../lib/visibility/audit-columns";
import { REDACTED, REDACTED_CHANGED } from "../../lib/audit/redact";
import { HIDDEN } from "../../lib/visibility/audit-data";
import { CDR_FIELDS, type CdrAudience } from "../../lib/cdrs/fields";
import type { DemoUser } from "../fixtures";
import type { ForbiddenKind, ForbiddenValue } from "./matcher";

/**
 * What one user must never receive, read from the database by the rules of PRODUCT.md §2–3 and
 * DOMAIN.md (not from what the app chose to select), minus what is legitimately theirs:
 *
 * - everyone: password hashes, invitation/reset token hashes, TOTP secrets, API key secret
 *   hashes, SIEM webhook signing secrets, carriers' own portal passwords, the server's AUTH_SECRET and database URL; outside
 *   the admin-only outbox, the single-use tokens inside queued emails;
 * - without the IP column (column_permissions, else the role defaults of audit-columns.ts): every
 *   client IP of the audit log and of sign-in attempts;
 * - portal users: other accounts' names, emails, addresses, notes, portal users, ingress
 *   routes (names, CIDRs) and API keys (names), staff users' emails, API key prefixes but their
 *   own account's, and the forensics of entries (user agents, request ids: staff only);
 * - branding: everything outside the branding tables (accounts, portal users, ingress routes,
 *   API keys, messages of other tables' entries);
 * - masked fields (AUDITED_TABLES maskedFields) for roles without `visibleWith`, current and past
 *   values (from the entries' Data);
 * - portal users: the CDR fields their audience never gets (DOMAIN.md's N cells: the buy side
 *   for customers, the sell side for carriers), as they occur in their own account's calls.
 *
 * Values shorter than MIN_LENGTH or made only of digits, dots and signs are left out: short or
 * numeric strings (ids, balances, counters) occur everywhere and would match by accident.
 */

const MIN_LENGTH = 6;

export type Viewer = {
  id: number;
  email: string;
  name: string;
  role: DemoUser["role"];
  accountId: number | null;
};

export type ForbiddenSet = {
  viewer: Viewer;
  allowedColumns: string[];
  values: ForbiddenValue[];
  counts: Partial<Record<ForbiddenKind, number>>;
  /** Candidates dropped because they are also the viewer's own data (by kind). */
  ownData: Partial<Record<ForbiddenKind, number>>;
  /** A few of the dropped ones, for the report. */
  ownDataExamples: string[];
};

export type Extras = {
  authSecret?: string;
  /** The owner's URL the harness migrates with (MIGRATION_DATABASE_URL). */
  databaseUrl?: string;
  /** The runtime role's URL the app connects with (DATABASE_URL), password included. */
  appDatabaseUrl?: string;
  /** The crawler's own browser User-Agent: the user sends it, it is theirs. */
  browserUserAgent?: string;
};

// The markers the app writes in place of secrets and masked values are what it should send.
const MARKERS = new Set([REDACTED, REDACTED_CHANGED, HIDDEN]);
const isMeaningful = (v: string) =>
  v.length >= MIN_LENGTH && !/^[-+\d.,\s:]+$/.test(v) && !MARKERS.has(v);
const camelToSnake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const hostOf = (cidrOrIp: string) => cidrOrIp.replace(/\/\d+$/, "");

/** Strings inside a JSON value (recursively), for values kept in jsonb. */
function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (value && typeof value === "object")
    for (const v of Object.values(value)) stringsIn(v, out);
  return out;
}

/** Which audit entries the viewer may see (lib/audit/viewer-scope.ts, restated here). */
export function auditScopeSql(sql: postgres.Sql, viewer: Pick<Viewer, "role" | "accountId">) {
  if (isPortalRole(viewer.role)) return sql`account_id = ${viewer.accountId}`;
  if (can(viewer.role, "audit:read-all-tables")) return sql`true`;
  return sql`table_name = any(${sql.array([...BRANDING_TABLES])})`;
}

async function findViewer(sql: postgres.Sql, email: string): Promise<Viewer> {
  const [row] = await sql<
    { id: string; email: string; name: string; role: Viewer["role"]; account_id: string | null }[]
  >`select id::text, email, name, role::text as role, account_id::text
    from users where lower(email) = lower(${email})`;
  if (!row) throw new Error(`no user ${email} in the database`);
  return {
    id: Number(row.id),
    email: row.email,
    name: row.name,
    role: row.role,
    accountId: row.account_id === null ? null : Number(row.account_id),
  };
}

export async function forbiddenFor(
  sql: postgres.Sql,
  user: DemoUser,
  extras: Extras = {},
): Promise<ForbiddenSet> {
  const viewer = await findViewer(sql, user.email);
  const portal = isPortalRole(viewer.role);
  const allTables = can(viewer.role, "audit:read-all-tables");

  // The permission layer of the audit columns: the user's override, else the role's row, else
  // the role defaults (lib/visibility/audit-columns.ts).
  const perms = await sql<{ user_id: string | null; columns: string[] }[]>`
    select user_id::text, columns from column_permissions
    where surface = 'audit' and (user_id = ${viewer.id} or (role = ${viewer.role} and user_id is null))`;
  const chosen = perms.find((p) => p.user_id !== null) ?? perms[0];
  const allowedColumns = chosen
    ? chosen.columns.filter(isAuditColumnKey)
    : [...defaultAuditColumns(viewer.role)];

  const inScope = auditScopeSql(sql, viewer);

  const candidates: ForbiddenValue[] = [];
  const add = (
    kind: ForbiddenKind,
    source: string,
    values: Iterable<string | null | undefined>,
  ) => {
    for (const v of values) {
      if (typeof v !== "string") continue;
      const value = v.trim();
      if (kind === "secret" ? value.length >= 8 : isMeaningful(value)) {
        candidates.push({ value, kind, source });
      }
    }
  };

  // ---- secrets: nobody, admin included, ever receives them --------------------------------
  const users = await sql<
    {
      id: string;
      email: string;
      name: string;
      role: string;
      account_id: string | null;
      password_hash: string | null;
      password_token_hash: string | null;
      totp_secret: string | null;
    }[]
  >`select id::text, email, name, role::text as role, account_id::text, password_hash,
      password_token_hash, totp_secret from users`;
  for (const u of users) {
    add("secret", `users.password_hash of ${u.email}`, [
      u.password_hash,
      // the hash alone, should a page print only the last field of the PHC string
      u.password_hash?.split("$").at(-1),
    ]);
    add("secret", `users.password_token_hash of ${u.email}`, [u.password_token_hash]);
    add("secret", `users.totp_secret of ${u.email}`, [u.totp_secret]);
  }
  for (const k of await sql<{ name: string; secret_hash: string }[]>`
      select name, secret_hash from api_keys`) {
    add("secret", `api_keys.secret_hash of "${k.name}"`, [k.secret_hash]);
  }
  // A watch's webhook secret is shown once, in the response that saved it, and never again.
  for (const w of await sql<{ name: string; webhook_secret: string | null }[]>`
      select name, webhook_secret from watches where webhook_secret is not null`) {
    add("secret", `watches.webhook_secret of "${w.name}"`, [w.webhook_secret]);
  }
  for (const a of await sql<{ name: string; carrier_portal_password: string | null }[]>`
      select name, carrier_portal_password from accounts`) {
    add("secret", `accounts.carrier_portal_password of ${a.name}`, [a.carrier_portal_password]);
  }
  // SIEM webhook secrets sign the audit stream: whoever reads one can forge entries to the SIEM.
  for (const d of await sql<{ name: string; secret: string | null }[]>`
      select name, secret from audit_stream_destinations`) {
    add("secret", `audit_stream_destinations.secret of "${d.name}"`, [d.secret]);
  }
  add("secret", "AUTH_SECRET of the server", [extras.authSecret]);
  add("secret", "MIGRATION_DATABASE_URL of the server", [extras.databaseUrl]);
  add("secret", "DATABASE_URL of the server and its password", [
    extras.appDatabaseUrl,
    extras.appDatabaseUrl ? decodeURIComponent(new URL(extras.appDatabaseUrl).password) : undefined,
  ]);
  // Queued emails carry single-use links; the outbox page (admin only) shows them by design.
  if (viewer.role !== "admin") {
    for (const m of await sql<{ id: string; body_text: string }[]>`
        select id::text, body_text from email_outbox`) {
      const tokens = [...m.body_text.matchAll(/[A-Za-z0-9_-]{24,}/g)].map((t) => t[0]);
      add("secret", `token in email_outbox ${m.id}`, tokens);
    }
  }

  // ---- client IPs, when the IP column is not the viewer's ----------------------------------
  if (!allowedColumns.includes("ip")) {
    const ips = await sql<{ ip: string; source: string }[]>`
      select distinct host(ip) as ip, 'audit_log.ip' as source from audit_log where ip is not null
      union
      select distinct host(ip), 'login_attempts.ip' from login_attempts where ip is not null`;
    for (const r of ips)
      candidates.push({ value: r.ip, kind: "client-ip", source: r.source, ip: true });
  }

  // ---- portal users: other accounts, staff, forensics --------------------------------------
  if (portal) {
    const others = await sql<
      {
        id: string;
        name: string;
        billing_email: string | null;
        address: string | null;
        notes_private: string | null;
        carrier_portal_url: string | null;
        carrier_portal_username: string | null;
      }[]
    >`select id::text, name, billing_email, address, notes_private, carrier_portal_url,
        carrier_portal_username from accounts where id <> ${viewer.accountId}`;
    for (const a of others) {
      add("other-account", `accounts.name ${a.id}`, [a.name]);
      add("other-account", `accounts.billing_email/address of ${a.name}`, [
        a.billing_email,
        a.address,
      ]);
      add("other-account", `accounts notes/portal of ${a.name}`, [
        a.notes_private,
        a.carrier_portal_url,
        a.carrier_portal_username,
      ]);
    }
    for (const u of users) {
      if (u.account_id !== null && Number(u.account_id) !== viewer.accountId) {
        add("other-account", `portal user ${u.id} of account ${u.account_id}`, [u.name, u.email]);
      }
      // Staff names are the User column of staff changes; their emails are never shown.
      if (u.account_id === null) add("staff-only", `staff user ${u.id} email`, [u.email]);
    }
    for (const r of await sql<
      { id: string; account: string; name: string; tech_prefix: string; ips: string[] }[]
    >`select id::text, account_id::text as account, name, tech_prefix,
        array(select unnest(allowed_ips)::text) as ips
      from ingress_routes where account_id <> ${viewer.accountId}`) {
      add("other-account", `ingress_routes ${r.id} of account ${r.account}`, [
        r.name,
        r.tech_prefix,
      ]);
      // A CIDR of another account's trunk: its text as stored (the host part may be shared).
      add("other-account", `ingress_routes.allowed_ips ${r.id} of account ${r.account}`, r.ips);
    }
    // Keys of the viewer's own account are theirs (portal admins list them on /portal/api-keys);
    // every other key's prefix is staff-only, and a key of another account is that account's.
    const keys = await sql<{ name: string; prefix: string; account_id: string | null }[]>`
      select k.name, k.prefix, u.account_id::text from api_keys k
      join users u on u.id = k.owner_user_id`;
    const notOwn = keys.filter(
      (k) => k.account_id === null || Number(k.account_id) !== viewer.accountId,
    );
    add(
      "staff-only",
      "api_keys.prefix",
      notOwn.map((k) => k.prefix),
    );
    for (const k of notOwn) {
      if (k.account_id !== null) {
        add("other-account", `api key ${k.prefix} of account ${k.account_id}`, [k.name]);
      }
    }
    // Forensics of an entry (user agent, request id) are for staff (lib/audit/queries/audit-entry.ts).
    const forensics = await sql<{ user_agent: string | null; request_id: string | null }[]>`
      select distinct user_agent, request_id from audit_log where ${inScope}
      and (user_agent is not null or request_id is not null)`;
    add(
      "staff-only",
      "audit_log.user_agent",
      forensics.map((f) => f.user_agent).filter((ua) => ua !== extras.browserUserAgent),
    );
    add(
      "staff-only",
      "audit_log.request_id",
      forensics.map((f) => f.request_id),
    );
  }

  // ---- CDR fields the viewer's audience never gets, from their own account's calls ----------
  const cdrOwn = portal ? await cdrFieldValues(sql, viewer, candidates) : { text: "", ips: [] };

  // ---- branding: nothing outside the branding tables --------------------------------------
  if (!portal && !allTables) {
    const accounts = await sql<
      { name: string; billing_email: string | null; address: string | null }[]
    >`
      select name, billing_email, address from accounts`;
    for (const a of accounts) {
      add("out-of-scope", `account ${a.name}`, [a.name, a.billing_email, a.address]);
    }
    for (const u of users) {
      if (u.account_id !== null) add("out-of-scope", `portal user ${u.id}`, [u.name, u.email]);
      else if (Number(u.id) !== viewer.id)
        add("out-of-scope", `staff user ${u.id} email`, [u.email]);
    }
    const routes = await sql<{ id: string; name: string; ips: string[] }[]>`
      select id::text, name, array(select unnest(allowed_ips)::text) as ips from ingress_routes`;
    for (const r of routes) add("out-of-scope", `ingress_routes ${r.id}`, [r.name, ...r.ips]);
    for (const k of await sql<
      { name: string; prefix: string }[]
    >`select name, prefix from api_keys`) {
      add("out-of-scope", `api key ${k.prefix}`, [k.name, k.prefix]);
    }
    // Messages of other tables' entries: the names inside them are already listed above, so a
    // sample per table and action (newest first) covers the sentences that name nothing else.
    const messages = await sql<{ message: string; table_name: string }[]>`
      select message, table_name from (
        select message, table_name, row_number() over (
          partition by table_name, action order by max(id) desc) as n
        from audit_log where not (${inScope}) group by message, table_name, action) m
      where n <= 25`;
    for (const m of messages)
      add("out-of-scope", `message of a ${m.table_name} entry`, [m.message]);
    const requestIds = await sql<{ request_id: string }[]>`
      select request_id from audit_log where not (${inScope}) and request_id is not null
      order by id desc limit 300`;
    add(
      "out-of-scope",
      "request id of an out-of-scope entry",
      requestIds.map((r) => r.request_id),
    );
  }

  // ---- masked fields, by the registry's rules ----------------------------------------------
  for (const [table, def] of Object.entries(AUDITED_TABLES)) {
    const rules = "maskedFields" in def ? (def.maskedFields ?? []) : [];
    for (const rule of rules) {
      if (can(viewer.role, rule.visibleWith)) continue;
      for (const field of rule.fields) {
        const past = await sql<{ v: unknown }[]>`
          select distinct x.v from audit_log,
            lateral (values (before -> ${field}), (after -> ${field})) as x(v)
          where table_name = ${table} and x.v is not null`;
        add(
          "masked",
          `${table}.${field} (in audit Data)`,
          past.flatMap((p) => stringsIn(p.v)),
        );
        const current = await sql<{ v: unknown }[]>`
          select to_jsonb(t) -> ${camelToSnake(field)} as v from ${sql(table)} t`;
        add(
          "masked",
          `${table}.${field}`,
          current.flatMap((c) => stringsIn(c.v)),
        );
      }
    }
  }

  // ---- minus what is the viewer's own -----------------------------------------------------
  const own = await viewersOwnData(sql, viewer, portal, allTables, inScope);
  const ownLower = `${own.text}\n${cdrOwn.text}`.toLowerCase();
  for (const ip of cdrOwn.ips) own.ips.add(ip);
  const values: ForbiddenValue[] = [];
  const ownData: Partial<Record<ForbiddenKind, number>> = {};
  const ownDataExamples: string[] = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    const key = `${c.kind}\u0000${c.value.toLowerCase()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // Secrets are never anybody's to receive, whatever else contains them.
    const mine =
      c.kind !== "secret" &&
      (c.ip ? own.ips.has(c.value) : ownLower.includes(c.value.toLowerCase()));
    if (mine) {
      ownData[c.kind] = (ownData[c.kind] ?? 0) + 1;
      if (ownDataExamples.length < 8) ownDataExamples.push(`${c.kind}: ${c.value}`);
      continue;
    }
    values.push(c);
  }
  const counts: Partial<Record<ForbiddenKind, number>> = {};
  for (const v of values) counts[v.kind] = (counts[v.kind] ?? 0) + 1;
  return { viewer, allowedColumns, values, counts, ownData, ownDataExamples };
}

/**
 * What the viewer may legitimately receive that could coincide with a forbidden candidate:
 * their own profile, their account's record, users and ingress routes (portal), the branding
 * tables and their entries (branding), and the IP addresses of the ingress allow-lists they may
 * read (a trunk's CIDR is data, not a client IP), and the addresses they sign in from (their own
 * sessions, listed on their profile). Audit messages of a portal user's own entries
 * are deliberately NOT counted as theirs: a message naming another account is what this test
 * must catch.
 */
async function viewersOwnData(
  sql: postgres.Sql,
  viewer: Viewer,
  portal: boolean,
  allTables: boolean,
  inScope: postgres.PendingQuery<postgres.Row[]>,
): Promise<{ text: string; ips: Set<string> }> {
  const parts: string[] = [viewer.name, viewer.email];
  const ips = new Set<string>();
  const addIps = (list: Iterable<string>) => {
    for (const cidr of list) {
      ips.add(cidr);
      ips.add(hostOf(cidr));
    }
  };

  if (portal) {
    const [account] = await sql<{ j: Record<string, unknown> }[]>`
      select to_jsonb(a) - 'notes_private' - 'carrier_portal_url' - 'carrier_portal_username'
        - 'carrier_portal_password' as j
      from accounts a where id = ${viewer.accountId}`;
    parts.push(...stringsIn(account?.j));
    for (const u of await sql<{ name: string; email: string }[]>`
        select name, email from users where account_id = ${viewer.accountId}`) {
      parts.push(u.name, u.email);
    }
    for (const r of await sql<{ name: string; tech_prefix: string; ips: string[] }[]>`
        select name, tech_prefix, array(select unnest(allowed_ips)::text) as ips
        from ingress_routes where account_id = ${viewer.accountId}`) {
      parts.push(r.name, r.tech_prefix, ...r.ips);
      addIps(r.ips);
    }
    // The published branding frames every portal page.
    const [published] = await sql<{ snapshot: unknown }[]>`
      select snapshot from branding_versions order by version_no desc limit 1`;
    parts.push(...stringsIn(published?.snapshot));
  } else if (!allTables) {
    const [draft] = await sql<{ j: unknown }[]>`select to_jsonb(b) as j from portal_branding b`;
    parts.push(...stringsIn(draft?.j));
    for (const v of await sql<{ snapshot: unknown }[]>`select snapshot from branding_versions`) {
      parts.push(...stringsIn(v.snapshot));
    }
    // Their own entries, forensics included (staff see them): they may read all of it.
    for (const e of await sql<{ j: unknown }[]>`
        select jsonb_build_array(message, comment, actor_label, actor_detail, user_agent,
          request_id, record_pk, before, after) as j
        from audit_log where ${inScope}`) {
      parts.push(...stringsIn(e.j));
    }
  }

  // Ingress allow-lists the viewer may read: current rows and past values in the entries' Data.
  if (portal || can(viewer.role, "accounts:read") || allTables) {
    const accountFilter = portal ? sql`account_id = ${viewer.accountId}` : sql`true`;
    const current = await sql<{ ip: string }[]>`
      select distinct unnest(allowed_ips)::text as ip from ingress_routes where ${accountFilter}`;
    addIps(current.map((r) => r.ip));
    const past = await sql<{ ip: string }[]>`
      select distinct jsonb_array_elements_text(x.v) as ip from audit_log,
        lateral (values (before -> 'allowedIps'), (after -> 'allowedIps')) as x(v)
      where table_name = 'ingress_routes' and jsonb_typeof(x.v) = 'array' and ${accountFilter}`;
    addIps(past.map((r) => r.ip));
  }
  // Signalling addresses in CDRs are call data, not client IPs (the seed's SBCs and clients share
  // documentation ranges): those the viewer's audience may see in the calls of their scope.
  if (can(viewer.role, "cdr:read")) {
    const audience: CdrAudience = !portal
      ? "staff"
      : viewer.role === "carrier"
        ? "carrier"
        : "customer";
    const owner = !portal
      ? sql`true`
      : audience === "carrier"
        ? sql`carrier_id = ${viewer.accountId}`
        : sql`customer_id = ${viewer.accountId}`;
    for (const field of CDR_FIELDS) {
      if (field.type !== "ip" || field.defaults[audience] === "N") continue;
      const rows = await sql<{ ip: string }[]>`
        select distinct host(${sql(field.key)}) as ip from cdrs
        where ${owner} and ${sql(field.key)} is not null`;
      addIps(rows.map((r) => r.ip));
    }
  }
  // Where the viewer signs in from is theirs: the profile lists their own sessions' addresses.
  // The crawler itself connects over loopback, so its sessions (made after this runs) are too.
  const sessions = await sql<{ ip: string }[]>`
    select distinct host(ip) as ip from user_sessions where user_id = ${viewer.id} and ip is not null`;
  addIps([...sessions.map((r) => r.ip), "127.0.0.1", "::1"]);
  return { text: parts.filter(Boolean).join("\n"), ips };
}

/** Money as the CDR page writes it (lib/cdrs/format.ts): trailing zeros past two places dropped. */
function moneyText(value: string): string {
  const [whole, decimals = ""] = value.split(".");
  const kept = decimals.replace(/0+$/, "");
  return `${whole}.${kept.padEnd(2, "0")}`;
}

/**
 * Values of the CDR fields the viewer's audience may never have (N cells, whatever the settings
 * say), from the account's newest calls (those the pages and exports show first), added to
 * `candidates`; and the values of every other field of the same calls, which are (or may be
 * made) the viewer's own and so never count as a leak (a carrier's dest_cli is the customer's
 * source_cli, the breakout names of both sides are often alike). Numbers count only when they
 * have five significant digits or more: shorter ones occur everywhere.
 */
async function cdrFieldValues(
  sql: postgres.Sql,
  viewer: Viewer,
  candidates: ForbiddenValue[],
): Promise<{ text: string; ips: string[] }> {
  const audience: CdrAudience = viewer.role === "carrier" ? "carrier" : "customer";
  const owner = audience === "carrier" ? sql`carrier_id` : sql`customer_id`;
  const columns = CDR_FIELDS.map((f) =>
    f.type === "ip" ? `host(${f.key}) as ${f.key}` : `${f.key}::text as ${f.key}`,
  ).join(", ");
  const rows = await sql<Record<string, string | null>[]>`
    select ${sql.unsafe(columns)} from cdrs where ${owner} = ${viewer.accountId}
    order by dt desc limit 1500`;
  const ownParts: string[] = [];
  const ownIps: string[] = [];
  const seen = new Set<string>();
  for (const field of CDR_FIELDS) {
    const never = field.defaults[audience] === "N";
    for (const row of rows) {
      const raw = row[field.key]?.trim();
      if (!raw) continue;
      if (!never) {
        ownParts.push(raw, field.type === "money" ? moneyText(raw) : raw);
        if (field.type === "ip") ownIps.push(raw);
        continue;
      }
      const value = field.type === "money" ? moneyText(raw) : raw;
      const numeric = /^[-+\d.]+$/.test(value);
      const distinctive =
        field.type === "ip" ||
        (numeric ? value.replace(/^[-+0.]+|\./g, "").length >= 5 : isMeaningful(value));
      if (!distinctive || field.type === "id" || seen.has(`${field.key}\u0000${value}`)) continue;
      seen.add(`${field.key}\u0000${value}`);
      candidates.push({
        value,
        kind: "cdr-field",
        source: `cdrs.${field.key} (never shown to a ${audience})`,
        ...(field.type === "ip" ? { ip: true } : {}),
      });
    }
  }
  return { text: ownParts.join("\n"), ips: ownIps };
}
