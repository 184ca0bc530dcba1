import type { Sql } from "postgres";
import { fieldLabel } from "@/lib/audit/messages";
import { ACCOUNT_COUNT, CHUNK_ROWS, PERSON_COUNT, SLOTS, TABLES, dataset } from "./dataset";

/**
 * The SQL that generates audit entries server-side: lookup tables (actors, accounts, tables,
 * addresses, people) go into session temp tables once, then each chunk is one
 * `INSERT … SELECT … FROM generate_series` that draws every column with random() after a
 * per-chunk setseed(), so a chunk always produces the same rows.
 */

const COUNTRIES = [
  ["Netherlands", "31"],
  ["Germany", "49"],
  ["United Kingdom", "44"],
  ["France", "33"],
  ["Spain", "34"],
  ["Italy", "39"],
  ["Poland", "48"],
  ["Sweden", "46"],
  ["Norway", "47"],
  ["Denmark", "45"],
  ["Belgium", "32"],
  ["Austria", "43"],
  ["Switzerland", "41"],
  ["Portugal", "351"],
  ["Ireland", "353"],
  ["Finland", "358"],
  ["Greece", "30"],
  ["Turkey", "90"],
  ["Romania", "40"],
  ["Czechia", "420"],
  ["United States", "1"],
  ["Canada", "1"],
  ["Mexico", "52"],
  ["Brazil", "55"],
  ["Argentina", "54"],
  ["India", "91"],
  ["Pakistan", "92"],
  ["Nigeria", "234"],
  ["Kenya", "254"],
  ["South Africa", "27"],
  ["Egypt", "20"],
  ["Morocco", "212"],
  ["Philippines", "63"],
  ["Indonesia", "62"],
  ["Vietnam", "84"],
  ["Japan", "81"],
  ["Hong Kong", "852"],
  ["Australia", "61"],
  ["New Zealand", "64"],
  ["Saudi Arabia", "966"],
];
const POPS = ["ams", "fra", "lon", "par", "mad", "nyc", "sin", "jnb"];
const SETTINGS = [
  "audit.comment_required",
  "auth.session_hours",
  "auth.max_failures",
  "billing.currency",
  "billing.invoice_day",
  "billing.tax_mode",
  "branding.default_theme",
  "cdr.retention_days",
  "cdr.export_format",
  "email.from_address",
  "email.smtp_host",
  "portal.signup_enabled",
  "portal.support_url",
  "rates.rounding",
  "routing.lcr_mode",
  "security.ip_allowlist",
];
const EMAIL_KINDS = ["invoice", "password reset", "invitation", "low balance", "usage report"];
const COMMENTS = [
  "requested by customer",
  "approved by finance",
  "fraud alert follow-up",
  "contract renewal",
  "migration clean-up",
  "NOC incident",
  "rate change notice",
  "as agreed on the phone",
];
const WORDS = [
  "standard",
  "premium",
  "EUR",
  "USD",
  "GBP",
  "UTC",
  "Europe/Amsterdam",
  "weekly",
  "monthly",
  "priority",
  "default",
  "legacy",
  "g711",
  "g729",
  "opus",
  "tls",
  "udp",
  "net 30",
];

const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;
const textArray = (list: readonly string[]) => `array[${list.map(lit).join(", ")}]::text[]`;

/** Creates and fills the session's lookup tables; needs the same connection as insertChunk. */
export async function createLookups(sql: Sql): Promise<void> {
  const d = dataset();
  await sql.unsafe(`
    create temp table bench_actor (no int primary key, actor_type text, channel text, label text,
      user_id bigint, api_key_id bigint, ip_no int, user_agent text);
    create temp table bench_account (no int primary key, id bigint, name text, type text,
      slug text, ip_no int);
    create temp table bench_ip (no int primary key, ip inet);
    create temp table bench_person (no int primary key, first text, surname text);
    create temp table bench_table (no int primary key, name text, noun text, name_kind text,
      field_keys text[], field_labels text[], field_kinds text[], p_account float8, pk_max int,
      c_login float8, c_send float8, c_publish float8, c_generate float8, c_create float8,
      c_delete float8);
  `);
  const a = d.actors;
  await sql`insert into bench_actor select * from unnest(
    ${a.map((x) => x.no)}::int[], ${a.map((x) => x.type)}::text[], ${a.map((x) => x.channel)}::text[],
    ${a.map((x) => x.label)}::text[], ${a.map((x) => x.userId ?? 0)}::bigint[],
    ${a.map((x) => x.apiKeyId ?? 0)}::bigint[], ${a.map((x) => x.ipNo)}::int[],
    ${a.map((x) => x.userAgent)}::text[])`;
  const c = d.accounts;
  await sql`insert into bench_account select * from unnest(
    ${c.map((x) => x.no)}::int[], ${c.map((x) => x.id)}::bigint[], ${c.map((x) => x.name)}::text[],
    ${c.map((x) => x.type)}::text[], ${c.map((x) => x.slug)}::text[], ${c.map((x) => x.ipNo)}::int[])`;
  await sql`insert into bench_ip select n - 1, ip::inet
    from unnest(${d.addresses}::text[]) with ordinality as u(ip, n)`;
  const firsts = [
    "Anna",
    "Bram",
    "Chloe",
    "Diego",
    "Eva",
    "Farid",
    "Greta",
    "Hugo",
    "Iris",
    "Jonas",
  ];
  await sql`insert into bench_person select n - 1, (${firsts}::text[])[1 + (n - 1) % 10], s
    from unnest(${d.surnames}::text[]) with ordinality as u(s, n)`;

  for (const [no, t] of TABLES.entries()) {
    const keys = t.fields.map((x) => x.split(":")[0]!);
    const kinds = t.fields.map((x) => x.split(":")[1]!);
    const share = (k: keyof TableSpecActions) => t.actions[k] ?? 0;
    let acc = 0;
    const cumulative = (["LOGIN", "SEND", "PUBLISH", "GENERATE", "CREATE", "DELETE"] as const).map(
      (k) => (acc += share(k)),
    );
    await sql`insert into bench_table values (${no}, ${t.name}, ${t.noun}, ${t.nameKind},
      ${keys}::text[], ${keys.map(fieldLabel)}::text[], ${kinds}::text[], ${t.pAccount},
      ${t.pkMax}, ${cumulative[0]!}, ${cumulative[1]!}, ${cumulative[2]!}, ${cumulative[3]!},
      ${cumulative[4]!}, ${cumulative[5]!})`;
  }
  await sql.unsafe(`
    analyze bench_actor; analyze bench_account; analyze bench_ip; analyze bench_person;
    analyze bench_table;
  `);
  await sql`select setseed(0.5)`;
  await sql.unsafe(FILL_OBJECTS);
}

type TableSpecActions = Required<(typeof TABLES)[number]["actions"]>;

/**
 * One field value as text (messages) from a random number in [0, 1). Spelled out inline rather
 * than as an SQL function: a function whose argument is random() cannot be inlined, and calling
 * it 24 times a row made the load 20× slower.
 */
function valueText(kind: string, r: string): string {
  return `case ${kind}
    when 'money' then to_char(floor(${r} * 400) * 25, 'FM999990.00')
    when 'int' then ((1 + floor(${r} * 60)) * 5)::int::text
    when 'id' then (1 + floor(${r} * 900000))::int::text
    when 'status' then (array['active', 'inactive', 'suspended', 'penalty',
      'pending_approval'])[1 + floor(${r} * 5)::int]
    when 'bool' then (${r} < 0.5)::text
    when 'ts' then to_char(timestamptz '2025-01-01 00:00Z' + ${r} * interval '330 days',
      'YYYY-MM-DD"T"HH24:MI:SS"Z"')
    when 'ip' then '10.' || floor(${r} * 250)::int || '.' || floor(${r} * 6000)::int % 250 || '.0/24'
    when 'email' then 'ops' || floor(${r} * 500)::int || '@example.net'
    else (${textArray(WORDS)})[1 + floor(${r} * ${WORDS.length})::int]
  end`;
}

/** The same value as JSON for before/after: numbers and booleans typed, the rest strings. */
function valueJson(kind: string, r: string): string {
  return `case
    when ${kind} = 'money' then to_jsonb((floor(${r} * 400) * 25)::numeric)
    when ${kind} in ('int', 'id') then to_jsonb((${valueText(kind, r)})::numeric)
    when ${kind} = 'bool' then to_jsonb(${r} < 0.5)
    else to_jsonb(${valueText(kind, r)})
  end`;
}

/** Objects drawn per table; each row takes one and overlays the fields its change touched. */
const OBJECTS_PER_TABLE = 1_000;

/**
 * A pool of whole before/after objects per table (every field, random values). Building one
 * object per row costs ~50 µs (a jsonb_object_agg over 5–20 CASE expressions); drawing from a
 * pool keeps the sizes and shapes at a tenth of the load time.
 */
const FILL_OBJECTS = `
  create temp table bench_object (table_no int, no int, obj jsonb, primary key (table_no, no));
  insert into bench_object
  select t.no, n, (select jsonb_object_agg(u.k, ${valueJson("u.kd", "u.r")})
    from (select k, kd, random() as r from unnest(t.field_keys, t.field_kinds) as v(k, kd)
      offset 0) u)
  from bench_table t, generate_series(0, ${OBJECTS_PER_TABLE - 1}) as n;
  analyze bench_object;
`;

/**
 * One chunk: rows $1..$2 of the whole load, spread over [$3, $3 + 365 days) in row order with
 * a little jitter (concurrent writers), so id order and time order mostly agree as in a real
 * append-only log. Layers are fenced with OFFSET 0 so each random() is drawn once per row.
 */
export const INSERT_CHUNK = `
insert into audit_log (occurred_at, actor_type, actor_user_id, actor_label, actor_detail,
  api_key_id, ip, user_agent, channel, request_id, action, table_name, record_pk, account_id,
  ingress_id, related_ids, message, comment, before, after)
select occurred_at, actor_type::actor_type, actor_user_id, actor_label, actor_detail, api_key_id,
  ip, user_agent, channel::channel, request_id, action::audit_action, table_name, record_pk,
  account_id, ingress_id, related_ids,
  case
    when action = 'LOGIN' and r_misc < 0.05 then
      'Failed sign-in for ' || login_email || ': wrong email or password'
    when action = 'LOGIN' then 'Signed in to the '
      || case when actor_type = 'portal' then 'Customer Portal' else 'Control Panel' end
      || ' as ' || login_email
    when action = 'SEND' and table_name = 'email_outbox' then
      'Sent ' || email_kind || ' email to ' || person_email
    when action = 'SEND' then 'Sent ' || subject || ' to ' || person_email
    when action = 'PUBLISH' then 'Published ' || subject
    when action = 'GENERATE' then 'Generated ' || subject
    when action in ('CREATE', 'POST') then 'Created ' || subject
    when action = 'DELETE' then 'Deleted ' || subject
    when single then 'Changed ' || field_labels[fi] || ' of ' || subject || ' from '
      || ${valueText("field_kinds[fi]", "r_old")} || ' to '
      || ${valueText("field_kinds[fi]", "r_new")}
    when cardinality(field_labels) > 4 and r_multi > 0.8 then 'Changed '
      || field_labels[fi] || ', ' || field_labels[1 + fi % cardinality(field_labels)] || ', '
      || field_labels[1 + (fi + 1) % cardinality(field_labels)] || ' and '
      || (1 + floor(r_old * 4))::int || ' more of ' || subject
    else 'Changed ' || field_labels[fi] || ', '
      || field_labels[1 + fi % cardinality(field_labels)] || ' of ' || subject
  end as message,
  case when r_comment < 0.03 then 'Ticket #' || (10000 + floor(r_misc * 90000))::int || ': '
    || (${textArray(COMMENTS)})[1 + floor(r_comment * 1000)::int % ${COMMENTS.length}] end as comment,
  case
    when action in ('CREATE', 'POST', 'SEND', 'GENERATE', 'PUBLISH') then null
    when action = 'DELETE' then obj
    when single or action = 'LOGIN' then
      obj || jsonb_build_object(field_keys[fi], ${valueJson("field_kinds[fi]", "r_old")})
    else obj2
  end as before,
  case
    when action = 'DELETE' then null
    when single or action = 'LOGIN' then
      obj || jsonb_build_object(field_keys[fi], ${valueJson("field_kinds[fi]", "r_new")})
    else obj
  end as after
from (
  select p.*
  from (
    select q.*,
      case name_kind
        when 'account' then acc_type || ' ' || acc_name || ' (' || acc_id || ')'
        when 'person' then case when has_account then 'portal user ' else 'user ' end
          || first || ' ' || surname || ' <' || person_email || '>'
        when 'route' then noun || ' ' || acc_slug || '-'
          || (${textArray(POPS)})[1 + pk % ${POPS.length}] || '-' || (1 + pk % 9) || ' (' || pk || ')'
        when 'destination' then noun || ' ' || (${textArray(COUNTRIES.map((x) => x[0]!))})[1 + pk % ${COUNTRIES.length}]
          || (array[' Mobile', ' Fixed', ' Premium', ''])[1 + pk % 4] || ' ('
          || (${textArray(COUNTRIES.map((x) => x[1]!))})[1 + pk % ${COUNTRIES.length}] || (pk % 1000) || ')'
        when 'email' then email_kind || ' email to ' || person_email
        when 'hash' then noun || ' ' || left(md5(g::text), 12) || ' (' || pk || ')'
        when 'version' then noun || ' v' || pk
        when 'setting' then noun || ' ' || (${textArray(SETTINGS)})[1 + pk % ${SETTINGS.length}]
        when 'invoice' then noun || ' INV-' || to_char(occurred_at, 'YYYY') || '-'
          || lpad(pk::text, 6, '0') || coalesce(' for ' || case when has_account then acc_name end, '')
        else noun || ' ' || coalesce(case when has_account then acc_name || ' ' end, '') || '#' || pk
      end as subject
    from (
      select d.g, d.occurred_at, d.r_old, d.r_new, d.r_multi, d.r_comment, d.r_misc,
        a.actor_type, a.channel, a.label as actor_label,
        case a.actor_type when 'system' then null when 'portal' then 1000 + d.person_no
          else a.user_id end as actor_user_id,
        case when a.actor_type = 'portal' then per.first || ' ' || per.surname || ' <'
          || lower(left(per.first, 1) || '.' || per.surname) || '@' || acc.slug || '.example>'
        end as actor_detail,
        nullif(a.api_key_id, 0) as api_key_id,
        ip.ip,
        nullif(a.user_agent, '') as user_agent,
        md5(d.g::text)::uuid::text as request_id,
        t.name as table_name, t.noun, t.name_kind, t.field_keys, t.field_labels, t.field_kinds,
        (a.actor_type = 'portal' or d.r_acc < t.p_account) as has_account,
        acc.id as acc_id, acc.name as acc_name, acc.type as acc_type, acc.slug as acc_slug,
        per.first, per.surname, o1.obj, o2.obj as obj2,
        lower(left(per.first, 1) || '.' || per.surname) || '@'
          || case when a.actor_type = 'portal' or d.r_acc < t.p_account then acc.slug
             else 'trunkline' end || '.example' as person_email,
        case when a.actor_type = 'user'
          then lower(regexp_replace(a.label, '[^A-Za-z]+', '.', 'g')) || '@trunkline.example'
          else lower(left(per.first, 1) || '.' || per.surname) || '@' || acc.slug || '.example'
        end as login_email,
        (${textArray(EMAIL_KINDS)})[1 + floor(d.r_misc * ${EMAIL_KINDS.length})::int] as email_kind,
        case
          when t.name = 'accounts' then acc.id
          when t.name = 'users' then 1 + d.person_no
          else 1 + floor(d.r_pk * t.pk_max)::bigint
        end as pk,
        1 + floor(d.r_field * cardinality(t.field_keys))::int as fi,
        d.r_multi < 0.65 as single,
        case
          when d.r_act < t.c_login then
            case when a.actor_type in ('user', 'portal') then 'LOGIN' else 'UPDATE' end
          when d.r_act < t.c_send then 'SEND'
          when d.r_act < t.c_publish then 'PUBLISH'
          when d.r_act < t.c_generate then 'GENERATE'
          when d.r_act < t.c_create then case when a.actor_type = 'api' then 'POST' else 'CREATE' end
          when d.r_act < t.c_delete then 'DELETE'
          else case when a.actor_type = 'api' then 'PUT' else 'UPDATE' end
        end as action
      from (
        select g,
          $3::timestamptz
            + ((g - 0.5 + (random() - 0.5) * 0.8) * $4::float8) * interval '1 second' as occurred_at,
          ($5::int[])[1 + floor(random() * ${SLOTS})::int] as actor_no,
          ($6::int[])[1 + floor(random() * ${SLOTS})::int] as table_no,
          floor(${ACCOUNT_COUNT} * random() ^ 2)::int as account_no,
          floor(${PERSON_COUNT} * random() ^ 3)::int as person_no,
          floor(random() * $7::int)::int as ip_any,
          floor(random() * ${OBJECTS_PER_TABLE})::int as obj_no,
          floor(random() * ${OBJECTS_PER_TABLE})::int as obj2_no,
          random() as r_acc, random() as r_act, random() as r_ip, random() as r_pk,
          random() as r_field, random() as r_old, random() as r_new, random() as r_multi,
          random() as r_comment, random() as r_misc
        from generate_series($1::int, $2::int) as g
        offset 0
      ) d
      join bench_actor a on a.no = d.actor_no
      join bench_table t on t.no = d.table_no
      join bench_account acc on acc.no = d.account_no
      join bench_person per on per.no = d.person_no
      join bench_object o1 on o1.table_no = d.table_no and o1.no = d.obj_no
      join bench_object o2 on o2.table_no = d.table_no and o2.no = d.obj2_no
      left join bench_ip ip on ip.no = case
        when a.actor_type = 'system' then -1
        when d.r_ip < 0.75 then case when a.actor_type = 'portal' then acc.ip_no else a.ip_no end
        else d.ip_any end
      offset 0
    ) q
    offset 0
  ) p
  offset 0
) m
cross join lateral (
  select
    case when m.has_account then m.acc_id end as account_id,
    case when m.table_name = 'ingress_routes' then m.pk end as ingress_id,
    case when m.table_name = 'audit_log' then null else m.pk::text end as record_pk,
    case
      when m.table_name = 'users' then array['user:' || m.pk]
      when m.table_name = 'api_keys' then array['api_key:' || m.pk, 'user:' || (1 + m.pk % 115)]
      when m.table_name in ('column_permissions', 'email_outbox') and m.r_misc < 0.5
        then array['user:' || (1 + m.pk % 40000)]
      else '{}'::text[]
    end as related_ids
) x
`;

export type ChunkParams = {
  first: number;
  last: number;
  start: Date;
  stepSeconds: number;
};

export function chunkArgs(c: ChunkParams): (string | number | number[])[] {
  const d = dataset();
  return [
    c.first,
    c.last,
    c.start.toISOString(),
    c.stepSeconds,
    d.actorSlots,
    d.tableSlots,
    d.addresses.length,
  ];
}

export const chunkCount = (total: number) => Math.ceil(total / CHUNK_ROWS);
