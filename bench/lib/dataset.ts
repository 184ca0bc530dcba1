import { AUDITED_TABLE_NAME_LIST, AUDIT_EVENT_TABLES } from "@/lib/audit/table-names";
import { prng } from "@/seed/random";
import {
  API_CLIENT_AGENTS,
  API_KEY_NAMES,
  BENCH_BROWSERS,
  COMPANY_PREFIXES,
  COMPANY_SUFFIXES,
  FIRST_NAMES,
  LAST_NAMES,
  SURNAME_ENDINGS,
  SYLLABLES,
  SYSTEM_LABELS,
} from "@/seed/words";

/**
 * The synthetic world the 5M audit entries are drawn from: actors, accounts, tables, addresses
 * and people. Everything is derived from a fixed PRNG seed, so bench/run.ts can recompute which
 * account, token or network to search for without reading them back from the database.
 */

export const TOTAL_ROWS = 5_000_000;
export const CHUNK_ROWS = 500_000;
export const ACCOUNT_COUNT = 5_000;
const FIRST_ACCOUNT_ID = 1001;
export const PERSON_COUNT = 30_000;
/** Weighted picks go through arrays of this many slots (an int[] subscript is O(1) in SQL). */
export const SLOTS = 10_000;

/** One audited-or-not table as the seed writes it: weight, wording and field list. */
export type TableSpec = {
  name: string;
  weight: number;
  noun: string;
  /** How records are named in messages (see seed-sql.ts). */
  nameKind:
    | "account"
    | "person"
    | "route"
    | "destination"
    | "email"
    | "hash"
    | "version"
    | "setting"
    | "invoice"
    | "generic";
  /** camelCase key, then kind: money | int | status | bool | text | email | ts | ip | id. */
  fields: readonly string[];
  /** Share of the table's rows that carry an account id (portal actors always do). */
  pAccount: number;
  pkMax: number;
  /** Action shares; what is left is UPDATE (PUT through the API). */
  actions: Partial<Record<"LOGIN" | "SEND" | "PUBLISH" | "GENERATE" | "CREATE" | "DELETE", number>>;
};

const f = (spec: string) => spec.split(/\s+/).filter(Boolean);

const ACCOUNT_FIELDS = f(`
  name:text type:text status:status creditLimit:money balance:money currency:text
  billingEmail:email techEmail:email address:text city:text country:text vatNumber:id
  paymentTerms:int maxCps:int maxChannels:int timeZone:text notes:text salesRep:text`);
const USER_FIELDS = f(
  "email:email name:text role:text accountId:id status:status timeZone:text lastLoginAt:ts passwordHash:text totpSecret:text",
);
const ROUTE_FIELDS = f(`
  name:text accountId:id status:status techPrefix:id maxCps:int maxChannels:int allowedIps:ip
  codecs:text rateDeckId:id routingPlanId:id mediaProxy:bool sipPort:int transport:text notes:text`);
const GENERIC_FIELDS = f(`
  name:text status:status accountId:id amount:money priority:int enabled:bool prefix:id
  description:text currency:text validFrom:ts validUntil:ts owner:email rate:money
  interval:int notes:text`);

const real = new Set<string>([...AUDITED_TABLE_NAME_LIST, ...AUDIT_EVENT_TABLES]);

export const TABLES: readonly TableSpec[] = [
  {
    name: "accounts",
    weight: 14,
    noun: "account",
    nameKind: "account",
    fields: ACCOUNT_FIELDS,
    pAccount: 1,
    pkMax: 0,
    actions: { CREATE: 0.1, DELETE: 0.03 },
  },
  {
    name: "users",
    weight: 10,
    noun: "user",
    nameKind: "person",
    fields: USER_FIELDS,
    pAccount: 0.6,
    pkMax: 40_000,
    actions: { LOGIN: 0.55, CREATE: 0.12, DELETE: 0.05 },
  },
  {
    name: "ingress_routes",
    weight: 12,
    noun: "ingress route",
    nameKind: "route",
    fields: ROUTE_FIELDS,
    pAccount: 1,
    pkMax: 20_000,
    actions: { CREATE: 0.15, DELETE: 0.06 },
  },
  {
    name: "api_keys",
    weight: 2,
    noun: "API key",
    nameKind: "generic",
    fields: f("name:text prefix:id ownerUserId:id scope:text expiresAt:ts revokedAt:ts"),
    pAccount: 0,
    pkMax: 3_000,
    actions: { GENERATE: 0.4, CREATE: 0.2, DELETE: 0.2 },
  },
  {
    name: "portal_branding",
    weight: 0.5,
    noun: "portal branding",
    nameKind: "generic",
    fields: f(
      "portalName:text primaryColor:text accentColor:text logoAssetId:id faviconAssetId:id supportEmail:email customCss:text footerText:text",
    ),
    pAccount: 0,
    pkMax: 40,
    actions: { CREATE: 0.05 },
  },
  {
    name: "branding_versions",
    weight: 0.5,
    noun: "portal branding version",
    nameKind: "version",
    fields: f(
      "versionNo:int brandingId:id publishedAt:ts publishedBy:email snapshot:text notes:text",
    ),
    pAccount: 0,
    pkMax: 2_000,
    actions: { PUBLISH: 0.5, CREATE: 0.5 },
  },
  {
    name: "branding_assets",
    weight: 0.5,
    noun: "branding logo",
    nameKind: "hash",
    fields: f("kind:text sha256:id contentType:text byteSize:int width:int height:int"),
    pAccount: 0,
    pkMax: 5_000,
    actions: { CREATE: 0.7, DELETE: 0.3 },
  },
  {
    name: "cdr_field_settings",
    weight: 1,
    noun: "CDR field settings",
    nameKind: "generic",
    fields: f(
      "accountId:id accountType:text visibleFields:text hiddenFields:text exportFormat:text timeZone:text",
    ),
    pAccount: 0.8,
    pkMax: 6_000,
    actions: { CREATE: 0.1 },
  },
  {
    name: "column_permissions",
    weight: 0.7,
    noun: "column permissions",
    nameKind: "generic",
    fields: f("surface:text role:text userId:id columns:text updatedBy:email"),
    pAccount: 0,
    pkMax: 500,
    actions: { CREATE: 0.2, DELETE: 0.1 },
  },
  {
    name: "destinations",
    weight: 6,
    noun: "destination",
    nameKind: "destination",
    fields: f(
      "name:text prefix:id country:text kind:text rateGroup:text enabled:bool minDigits:int maxDigits:int",
    ),
    pAccount: 0,
    pkMax: 60_000,
    actions: { CREATE: 0.3, DELETE: 0.1 },
  },
  {
    name: "email_outbox",
    weight: 5,
    noun: "invoice email",
    nameKind: "email",
    fields: f(
      "kind:text toAddress:email subject:text status:status attempts:int sentAt:ts userId:id",
    ),
    pAccount: 0.7,
    pkMax: 900_000,
    actions: { SEND: 0.8, CREATE: 0.2 },
  },
  {
    name: "app_settings",
    weight: 0.8,
    noun: "setting",
    nameKind: "setting",
    fields: f("key:text value:text type:text description:text updatedBy:email"),
    pAccount: 0,
    pkMax: 120,
    actions: {},
  },
  {
    name: "cdrs",
    weight: 4,
    noun: "CDR export",
    nameKind: "generic",
    fields: f("accountId:id fromDate:ts toDate:ts format:text rows:int fileSize:int checksum:id"),
    pAccount: 1,
    pkMax: 2_000_000,
    actions: { GENERATE: 0.7 },
  },
  {
    name: "audit_log",
    weight: 0.5,
    noun: "audit log export",
    nameKind: "generic",
    fields: f("format:text rows:int query:text requestedBy:email fileSize:int"),
    pAccount: 0,
    pkMax: 50_000,
    actions: { GENERATE: 1 },
  },
  {
    name: "rate_decks",
    weight: 2,
    noun: "rate deck",
    nameKind: "generic",
    fields: GENERIC_FIELDS.slice(0, 12),
    pAccount: 0.3,
    pkMax: 800,
    actions: { CREATE: 0.1, DELETE: 0.05, PUBLISH: 0.1 },
  },
  {
    name: "rates",
    weight: 9,
    noun: "rate",
    nameKind: "destination",
    fields: f(
      "deckId:id prefix:id destination:text rate:money connectFee:money minimumDuration:int increment:int effectiveFrom:ts effectiveTo:ts currency:text",
    ),
    pAccount: 0.3,
    pkMax: 2_000_000,
    actions: { CREATE: 0.3, DELETE: 0.1 },
  },
  {
    name: "invoices",
    weight: 4,
    noun: "invoice",
    nameKind: "invoice",
    fields: f(
      "number:id accountId:id periodFrom:ts periodTo:ts amount:money tax:money total:money currency:text status:status dueDate:ts paidAt:ts pdfAssetId:id",
    ),
    pAccount: 1,
    pkMax: 200_000,
    actions: { GENERATE: 0.4, SEND: 0.3 },
  },
  {
    name: "payments",
    weight: 3,
    noun: "payment",
    nameKind: "generic",
    fields: f(
      "accountId:id amount:money currency:text method:text reference:id receivedAt:ts invoiceId:id notes:text",
    ),
    pAccount: 1,
    pkMax: 300_000,
    actions: { CREATE: 0.7, DELETE: 0.05 },
  },
  {
    name: "number_blocks",
    weight: 2,
    noun: "number block",
    nameKind: "generic",
    fields: GENERIC_FIELDS.slice(0, 9),
    pAccount: 0.7,
    pkMax: 20_000,
    actions: { CREATE: 0.3, DELETE: 0.1 },
  },
  {
    name: "dids",
    weight: 4,
    noun: "DID",
    nameKind: "generic",
    fields: GENERIC_FIELDS.slice(0, 10),
    pAccount: 1,
    pkMax: 500_000,
    actions: { CREATE: 0.3, DELETE: 0.15 },
  },
  {
    name: "trunks",
    weight: 3,
    noun: "trunk",
    nameKind: "route",
    fields: ROUTE_FIELDS.slice(0, 11),
    pAccount: 1,
    pkMax: 15_000,
    actions: { CREATE: 0.15, DELETE: 0.05 },
  },
  {
    name: "sip_credentials",
    weight: 3,
    noun: "SIP credential",
    nameKind: "generic",
    fields: f(
      "username:text realm:text accountId:id trunkId:id allowedIps:ip maxCalls:int enabled:bool passwordHash:text",
    ),
    pAccount: 1,
    pkMax: 40_000,
    actions: { CREATE: 0.25, DELETE: 0.1 },
  },
  {
    name: "routing_plans",
    weight: 1.5,
    noun: "routing plan",
    nameKind: "generic",
    fields: GENERIC_FIELDS.slice(0, 13),
    pAccount: 0.5,
    pkMax: 3_000,
    actions: { CREATE: 0.15, DELETE: 0.05, PUBLISH: 0.2 },
  },
  {
    name: "routing_rules",
    weight: 3,
    noun: "routing rule",
    nameKind: "destination",
    fields: GENERIC_FIELDS,
    pAccount: 0.5,
    pkMax: 120_000,
    actions: { CREATE: 0.3, DELETE: 0.15 },
  },
  {
    name: "lcr_profiles",
    weight: 1,
    noun: "LCR profile",
    nameKind: "generic",
    fields: GENERIC_FIELDS.slice(0, 8),
    pAccount: 0.2,
    pkMax: 600,
    actions: { CREATE: 0.1, DELETE: 0.05 },
  },
  {
    name: "prepaid_topups",
    weight: 2,
    noun: "prepaid top-up",
    nameKind: "generic",
    fields: f(
      "accountId:id amount:money currency:text method:text reference:id balanceBefore:money balanceAfter:money",
    ),
    pAccount: 1,
    pkMax: 250_000,
    actions: { CREATE: 0.9 },
  },
  {
    name: "alert_rules",
    weight: 1,
    noun: "alert rule",
    nameKind: "generic",
    fields: GENERIC_FIELDS.slice(0, 7),
    pAccount: 0.6,
    pkMax: 8_000,
    actions: { CREATE: 0.2, DELETE: 0.1 },
  },
  {
    name: "webhooks",
    weight: 0.8,
    noun: "webhook",
    nameKind: "generic",
    fields: f(
      "url:text events:text secretHash:text enabled:bool accountId:id lastStatus:int failures:int",
    ),
    pAccount: 0.8,
    pkMax: 4_000,
    actions: { CREATE: 0.2, DELETE: 0.1 },
  },
  {
    name: "tax_profiles",
    weight: 0.5,
    noun: "tax profile",
    nameKind: "generic",
    fields: GENERIC_FIELDS.slice(0, 6),
    pAccount: 0,
    pkMax: 200,
    actions: { CREATE: 0.1 },
  },
  {
    name: "fraud_rules",
    weight: 0.7,
    noun: "fraud rule",
    nameKind: "generic",
    fields: GENERIC_FIELDS.slice(0, 11),
    pAccount: 0.3,
    pkMax: 1_500,
    actions: { CREATE: 0.15, DELETE: 0.1 },
  },
];

if (!TABLES.every((t) => t.fields.length >= 5 && t.fields.length <= 20)) {
  throw new Error("bench dataset: every table needs 5–20 fields");
}
if (![...real].every((name) => TABLES.some((t) => t.name === name))) {
  throw new Error("bench dataset: every real audit table name must be seeded");
}

type ActorSpec = {
  no: number;
  type: "user" | "portal" | "api" | "system";
  channel: "control_panel" | "portal" | "api" | "system";
  label: string;
  userId: number | null;
  apiKeyId: number | null;
  weight: number;
  /** Index into ADDRESSES of the actor's usual address (portal rows use the account's). */
  ipNo: number;
  userAgent: string;
};

type AccountSpec = {
  no: number;
  id: number;
  name: string;
  type: "customer" | "carrier";
  slug: string;
  ipNo: number;
};

export type Dataset = {
  actors: ActorSpec[];
  accounts: AccountSpec[];
  /** Text form of every address: IPv4 in a few networks, some IPv6. */
  addresses: string[];
  /** Capitalised pseudo-surnames: a Zipf-like pick makes the tail rare tokens. */
  surnames: string[];
  actorSlots: number[];
  tableSlots: number[];
};

function slotsFor(weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const slots: number[] = [];
  let acc = 0;
  weights.forEach((w, i) => {
    acc += w;
    const until = Math.round((acc / total) * SLOTS);
    while (slots.length < until) slots.push(i);
  });
  return slots;
}

/** The network the `ip:` CIDR search of the bench looks in (customer SBCs, ~1% of rows). */
export const BENCH_CIDR = "198.51.100.0/24";

function buildAddresses(rand: () => number): string[] {
  const out = new Set<string>();
  const octet = () => Math.floor(rand() * 254) + 1;
  const hex = () => Math.floor(rand() * 0xffff).toString(16);
  // Indexes matter (dataset() points actors at ranges): 0–199 staff networks (office, VPN,
  // 203.0.113.0/24), 200–299 BENCH_CIDR (reached only by occasional other addresses), then
  // customer and API servers, then IPv6.
  const fill = (until: number, make: () => string) => {
    while (out.size < until) out.add(make());
  };
  fill(60, () => `10.20.${Math.floor(rand() * 3)}.${octet()}`);
  fill(100, () => `10.44.${octet()}.${octet()}`);
  fill(200, () => `203.0.113.${octet()}`);
  fill(300, () => `198.51.100.${octet()}`);
  fill(2_600, () => `${[185, 91, 62, 213, 82][out.size % 5]}.${octet()}.${octet()}.${octet()}`);
  fill(3_000, () => `2001:db8:${hex()}:${hex()}::${hex()}`);
  return [...out];
}

function buildSurnames(rand: () => number): string[] {
  const out = new Set<string>();
  while (out.size < PERSON_COUNT) {
    const n = 2 + Math.floor(rand() * 2);
    let s = "";
    for (let i = 0; i < n; i++) s += SYLLABLES[Math.floor(rand() * SYLLABLES.length)];
    s += SURNAME_ENDINGS[Math.floor(rand() * SURNAME_ENDINGS.length)];
    if (s.length >= 5) out.add(s[0]!.toUpperCase() + s.slice(1));
  }
  return [...out];
}

let cached: Dataset | undefined;

export function dataset(): Dataset {
  if (cached) return cached;
  const rand = prng(20_251_125);
  const addresses = buildAddresses(rand);
  const surnames = buildSurnames(rand);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;

  const actors: ActorSpec[] = [];
  const add = (a: Omit<ActorSpec, "no">) => actors.push({ no: actors.length, ...a });
  add({
    type: "portal",
    channel: "portal",
    label: "Portal",
    userId: null,
    apiKeyId: null,
    weight: 25,
    ipNo: 0,
    userAgent: BENCH_BROWSERS[0]!,
  });
  const staffNames = new Set<string>();
  while (staffNames.size < 115) staffNames.add(`${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}`);
  [...staffNames].forEach((label, i) => {
    // A few admins do most of the work (Zipf-like weights).
    add({
      type: "user",
      channel: "control_panel",
      label,
      userId: i + 1,
      apiKeyId: null,
      weight: 42 / (i + 1) ** 0.8,
      ipNo: Math.floor(rand() * 200),
      userAgent: pick(BENCH_BROWSERS),
    });
  });
  const apiLabels = new Set<string>();
  while (apiLabels.size < 75)
    apiLabels.add(`${pick(FIRST_NAMES)} ${pick(LAST_NAMES)} · ${pick(API_KEY_NAMES)}`);
  [...apiLabels].forEach((label, i) => {
    add({
      type: "api",
      channel: "api",
      label,
      userId: 200 + i,
      apiKeyId: i + 1,
      weight: 20 / (i + 1) ** 0.6,
      ipNo: 300 + Math.floor(rand() * 2_700),
      userAgent: pick(API_CLIENT_AGENTS),
    });
  });
  SYSTEM_LABELS.forEach((label, i) => {
    add({
      type: "system",
      channel: "system",
      label,
      userId: null,
      apiKeyId: null,
      weight: 10 / (i + 1),
      ipNo: -1,
      userAgent: "",
    });
  });
  // Normalise each group to its share of rows: Portal 25%, staff 42%, API 20%, system 10%.
  for (const type of ["user", "api", "system"] as const) {
    const group = actors.filter((a) => a.type === type);
    const sum = group.reduce((s, a) => s + a.weight, 0);
    const share = { user: 42, api: 20, system: 10 }[type];
    group.forEach((a) => (a.weight = (a.weight / sum) * share));
  }

  const combos: string[] = [];
  for (const p of COMPANY_PREFIXES) for (const s of COMPANY_SUFFIXES) combos.push(`${p} ${s}`);
  for (let i = combos.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [combos[i], combos[j]] = [combos[j]!, combos[i]!];
  }
  const accounts: AccountSpec[] = [];
  for (let no = 0; no < ACCOUNT_COUNT; no++) {
    const id = FIRST_ACCOUNT_ID + no;
    // PRODUCT.md's running example; also one of the busiest accounts (low `no`).
    const name = id === 1042 ? "Acme Telecom" : combos[no]!;
    accounts.push({
      no,
      id,
      name,
      type: rand() < 0.7 ? "customer" : "carrier",
      slug: name.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
      ipNo: 300 + Math.floor(rand() * (addresses.length - 300)),
    });
  }

  cached = {
    actors,
    accounts,
    addresses,
    surnames,
    actorSlots: slotsFor(actors.map((a) => a.weight)),
    tableSlots: slotsFor(TABLES.map((t) => t.weight)),
  };
  return cached;
}

/**
 * Surname `i` is picked with probability ∝ ((i+1)/N)^(1/3) − (i/N)^(1/3) (seed-sql.ts draws
 * floor(N·r³)), so the first ones are everywhere and the last ones appear a handful of times.
 */
export function rareSurname(): string {
  return dataset().surnames[PERSON_COUNT - 1_000]!;
}

/** A busy account (~4,300 entries): the page's `account:` filter and the portal's view. */
export const BENCH_ACCOUNT_ID = 1042;
