/**
 * Thirty days of call detail records, consistent with the history the seed played: calls come
 * only from routes and accounts that were active at the time, from the SBC addresses the route
 * allowed then, to breakouts of the rate deck, through carriers that cover the country.
 * They go through the switch's ingest path (lib/cdrs/ingest.ts), which keeps the daily roll-ups
 * and writes one audit entry per batch: a backfill at the end of the history, so audit ids keep
 * growing with time (the calls need the history played first, to know what was routable when).
 */
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { queryRows } from "@/db/raw";
import type { ActorContext } from "@/lib/audit/actor";
import { ingestCdrs } from "@/lib/cdrs/ingest";
import { carrierGatewayIps, hostIn } from "./addresses";
import {
  COUNTRIES,
  DECK_V2_ADDITIONS,
  PrefixIndex,
  buildDestinations,
  type CountrySpec,
  type DestinationSpec,
} from "./destinations";
import { CARRIERS } from "./names";
import { WeightedTable, type Random } from "@/seed/random";
import { DAY } from "./timeline";
import type { SeedAccount, SeedIngress, World } from "./world";

/** CDRs in one ingest batch. */
const BATCH = 20_000;
const ASR_FACTOR = new Map(COUNTRIES.map((c) => [c.iso, c.asrFactor ?? 1] as const));
const FX: Record<string, number> = { USD: 1, EUR: 0.92, GBP: 0.79 };

/** Local-hour traffic curve of wholesale voice: busy office hours, quiet nights. */
const HOURLY = [
  0.15, 0.1, 0.08, 0.08, 0.1, 0.15, 0.3, 0.5, 0.8, 1, 1, 1, 1, 0.9, 1, 1, 1, 1, 0.85, 0.75, 0.65,
  0.5, 0.35, 0.22,
];

const FAILURES = [
  { code: 487, reason: "Request Terminated", weight: 32, rings: true },
  { code: 486, reason: "Busy Here", weight: 20, rings: false },
  { code: 480, reason: "Temporarily Unavailable", weight: 20, rings: true },
  { code: 503, reason: "Service Unavailable", weight: 18, rings: false },
  { code: 404, reason: "Not Found", weight: 10, rings: false },
] as const;

/** A CDR as the switch sends it (the catalogue's snake_case keys). */
type CdrJson = Record<string, string | number | boolean | null>;

type Breakout = { prefix: string; name: string; spec: DestinationSpec };
type Carrier = {
  account: SeedAccount;
  index: number;
  gateways: string[];
  coverage: Set<string> | "*";
  cost: number;
  quality: number;
  billing: [number, number];
};
type Customer = {
  account: SeedAccount;
  markup: number;
  countries: WeightedTable<CountrySpec>;
  routes: WeightedTable<SeedIngress>;
  cliCode: string;
  cliLength: number;
};

export async function insertDemoCdrs(
  db: DbOrTx,
  world: World,
  rng: Random,
  options: { count: number; from: number; to: number },
  /** Who imports the batches (the switch's system actor). */
  importer: () => ActorContext,
): Promise<number> {
  if (options.count <= 0) return 0;
  const breakouts = await loadBreakouts(db);
  const index = new PrefixIndex(breakouts);
  const byCountry = new Map<string, DestinationSpec[]>();
  for (const b of breakouts) {
    const list = byCountry.get(b.spec.iso) ?? [];
    list.push(b.spec);
    byCountry.set(b.spec.iso, list);
  }
  const countries = COUNTRIES.filter((c) => byCountry.has(c.iso));
  const carriers = world.carriers.map((account): Carrier => {
    const spec = account.carrier!;
    const i = CARRIERS.indexOf(spec);
    return {
      account,
      index: i,
      gateways: carrierGatewayIps(i),
      coverage: spec.coverage === "*" ? "*" : new Set(spec.coverage),
      cost: spec.cost,
      quality: spec.quality,
      billing: spec.billing,
    };
  });
  const customers = world.customers
    .filter((a) => a.ingress.some((r) => r.weight > 0))
    .map((account): Customer => {
      const spec = account.customer!;
      const home = COUNTRIES.find((c) => c.iso === spec.country) ?? COUNTRIES[0]!;
      return {
        account,
        markup: rng.between(1.08, 1.3),
        countries: new WeightedTable(countries, (c) => {
          const focus = spec.focus.indexOf(c.iso);
          return c.weight * (focus === 0 ? 12 : focus > 0 ? 6 : 0.6);
        }),
        routes: new WeightedTable(
          account.ingress.filter((r) => r.weight > 0),
          (r) => r.weight,
        ),
        cliCode: home.fixed[0]!,
        cliLength: home.length,
      };
    });
  const customerTable = new WeightedTable(customers, (c) => c.account.customer!.traffic);

  // Calls first (who, when), in time order, so ids grow with the call time as on a switch.
  const calls: Array<{ t: number; customer: Customer; route: SeedIngress }> = [];
  for (let tries = 0; calls.length < options.count && tries < options.count * 30; tries++) {
    const customer = customerTable.pick(rng);
    const route = customer.routes.pick(rng);
    const t = callTime(rng, options.from, options.to, customer.account.utcOffset);
    if (isRoutable(world, customer.account, route, t)) calls.push({ t, customer, route });
  }
  calls.sort((a, b) => a.t - b.t);

  let batch: CdrJson[] = [];
  let imported = 0;
  const flush = async () => {
    if (batch.length) imported += (await ingestCdrs(db, importer(), batch)).count;
    batch = [];
  };
  for (const call of calls) {
    // A number outside the deck or a country no live carrier covers: dial another one.
    let row: CdrJson | null = null;
    for (let tries = 0; !row && tries < 10; tries++) {
      row = buildCdr(rng, world, index, byCountry, carriers, call);
    }
    if (row) batch.push(row);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return imported;
}

/** The breakouts in the database now, with the deck facts (rates, lengths) behind them. */
async function loadBreakouts(db: DbOrTx): Promise<Breakout[]> {
  const specs = new Map(
    [...buildDestinations(), ...DECK_V2_ADDITIONS].map((d) => [d.prefix, d] as const),
  );
  const rows = await queryRows<{ prefix: string; name: string }>(
    db,
    sql`select prefix, name from destinations order by prefix`,
  );
  return rows.flatMap((r) => {
    const spec = specs.get(r.prefix);
    return spec ? [{ prefix: r.prefix, name: r.name, spec }] : [];
  });
}

function callTime(rng: Random, from: number, to: number, utcOffset: number): number {
  for (;;) {
    const t = from + rng.next() * (to - from);
    const local = new Date(t + utcOffset * 3_600_000);
    const weekend = local.getUTCDay() === 0 || local.getUTCDay() === 6;
    if (rng.next() < HOURLY[local.getUTCHours()]! * (weekend ? 0.55 : 1)) return Math.floor(t);
  }
}

function isRoutable(world: World, account: SeedAccount, route: SeedIngress, t: number): boolean {
  const r = world.history.at("ingress_routes", route.id, t);
  const a = world.history.at("accounts", account.id, t);
  return r?.status === "active" && a?.status === "active";
}

function buildCdr(
  rng: Random,
  world: World,
  index: PrefixIndex<Breakout>,
  byCountry: Map<string, DestinationSpec[]>,
  carriers: Carrier[],
  call: { t: number; customer: Customer; route: SeedIngress },
): CdrJson | null {
  const { t, customer, route } = call;
  const account = customer.account;
  const spec = account.customer!;
  const routeState = world.history.at("ingress_routes", route.id, t)!;
  const allowed = routeState.allowedIps as string[];
  const techPrefix = String(routeState.techPrefix ?? "");

  const country = customer.countries.pick(rng);
  const options = byCountry.get(country.iso)!;
  const wantMobile = country.mobile.length > 0 && rng.chance(0.62);
  const pool = options.filter((d) => (wantMobile ? d.kind === "mobile" : d.kind !== "mobile"));
  // Named cities and services (Alaska, London, UK personal numbers) carry little traffic.
  const target = rng.weighted(pool.length ? pool : options, (d) =>
    d.kind === "special" ? 0.02 : 1,
  );
  const number = target.prefix + rng.digits(Math.max(4, target.length - target.prefix.length));
  const breakout = index.match(number);
  if (!breakout) return null;
  const dest = breakout.spec;

  const live = carriers.filter(
    (c) =>
      (c.coverage === "*" || c.coverage.has(dest.iso)) &&
      world.history.at("accounts", c.account.id, t)?.status === "active",
  );
  if (!live.length) return null;
  // Least-cost routing prefers cheap carriers, but spreads load for quality and capacity.
  const carrier = rng.weighted(live, (c) => (1 / c.cost) ** 6);

  const sourceIp = hostIn(rng.pick(allowed), rng);
  const countryAsr = ASR_FACTOR.get(dest.iso) ?? 1;
  const connected = rng.chance((dest.kind === "fixed" ? 0.6 : 0.54) * carrier.quality * countryAsr);
  const failure = connected ? null : rng.weighted(FAILURES, (f) => f.weight);
  const rings = connected || failure!.rings;

  const pddIn = rings
    ? Math.round(rng.normal(dest.kind === "fixed" ? 1900 : 2600, 650, 450, 9000) / countryAsr)
    : null;
  const pddOut = pddIn === null ? null : Math.max(200, pddIn - rng.int(30, 260));
  const ring = connected
    ? rng.between(2, 22)
    : failure!.code === 487
      ? rng.between(3, 40)
      : failure!.code === 480
        ? rng.between(15, 60)
        : 0;
  let duration = 0;
  if (connected) {
    duration = rng.chance(0.11) ? rng.between(0.6, 6) : 7 + rng.exponential(235);
  }
  const maxDuration = Number(routeState.maxDurationS ?? 7200);
  const lifetime = duration > maxDuration;
  if (lifetime) duration = maxDuration;
  duration = Math.round(duration * 1000) / 1000;

  const setup = (pddIn ?? rng.int(60, 900)) + ring * 1000;
  const answerAt = connected ? t + setup : null;
  const endAt = connected ? answerAt! + duration * 1000 : t + setup;

  const tweak = 0.94 + (hashPrefix(dest.prefix) % 120) / 1000;
  const customerRate = round(dest.rate * tweak * customer.markup * FX[account.currency]!, 4);
  const carrierRate = round(
    dest.rate *
      tweak *
      carrier.cost *
      (0.97 + (carrier.index % 5) / 50) *
      FX[carrier.account.currency]!,
    4,
  );
  const customerBilled = billed(duration, spec.billing);
  const carrierBilled = billed(duration, carrier.billing);
  const customerCharge = round((customerRate * customerBilled) / 60, 6);
  const carrierCharge = round((carrierRate * carrierBilled) / 60, 6);
  // The switch converts the cost into the customer's currency for the profit.
  const cost = (carrierCharge / FX[carrier.account.currency]!) * FX[account.currency]!;
  const sourceCli = customer.cliCode + rng.digits(customer.cliLength - customer.cliCode.length);

  return {
    dt: iso(t),
    answer_time: answerAt === null ? null : iso(answerAt),
    end_time: iso(endAt),
    callid: `${rng.hex(24)}@${sourceIp}`,
    callid_b: rng.uuid(),
    direction: "termination",
    source_cli: sourceCli,
    source_dest_number: techPrefix + number,
    dest_cli: sourceCli,
    dest_number: number,
    tech_prefix: techPrefix || null,
    customer_id: account.id,
    ingress_id: route.id,
    customer_card_id: 2000 + world.accounts.indexOf(account),
    carrier_id: carrier.account.id,
    carrier_card_id: 3000 + carrier.index,
    customer_dest_code: breakout.prefix,
    customer_dest_name: breakout.name,
    customer_rate: customerRate,
    customer_connect_cost: 0,
    customer_duration: customerBilled,
    customer_charge: customerCharge,
    customer_currency: account.currency,
    carrier_dest_code: breakout.prefix,
    carrier_dest_name: breakout.name,
    carrier_rate: carrierRate,
    carrier_connect_cost: 0,
    carrier_duration: carrierBilled,
    carrier_charge: carrierCharge,
    carrier_currency: carrier.account.currency,
    profit: round(customerCharge - cost, 6),
    duration,
    ring_duration: round(ring, 3),
    pdd_in: pddIn,
    pdd_out: pddOut,
    sip_code: connected ? 200 : failure!.code,
    sip_reason: connected ? "OK" : failure!.reason,
    release_reason: connected
      ? lifetime
        ? "Lifetime timeout"
        : releaseReason(rng)
      : failure!.code === 487
        ? "Downstream CANCEL"
        : `Upstream ${failure!.code}`,
    source_ip: sourceIp,
    dest_ip: rng.pick(carrier.gateways),
    codec: route.codec,
    user_agent: route.sipUserAgent,
    transport: route.transport,
    mos: connected ? round(rng.normal(4.15, 0.22, 2.6, 4.5), 2) : null,
    jitter: connected ? round(rng.exponential(4) + 0.3, 2) : null,
    packet_loss: connected
      ? round(rng.chance(0.8) ? rng.between(0, 0.4) : rng.between(0.4, 3), 2)
      : null,
    dtmf: connected && rng.chance(0.06),
  };
}

function releaseReason(rng: Random): string {
  const r = rng.next();
  if (r < 0.54) return "Downstream BYE";
  if (r < 0.985) return "Upstream BYE";
  if (r < 0.995) return "Ping timeout";
  return "Missing ACK";
}

/** Billed seconds: a minimum, then whole increments (60/6, 1/1, …); nothing when not answered. */
function billed(duration: number, [minimum, increment]: [number, number]): number {
  if (duration <= 0) return 0;
  return Math.max(minimum, Math.ceil(Math.ceil(duration) / increment) * increment);
}

const round = (v: number, places: number) => Math.round(v * 10 ** places) / 10 ** places;
const iso = (t: number) => new Date(t).toISOString();

function hashPrefix(prefix: string): number {
  let h = 0;
  for (const ch of prefix) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h;
}

const CDR_WINDOW_DAYS = 30;
export const cdrWindow = (now: number) => ({ from: now - CDR_WINDOW_DAYS * DAY, to: now - 60_000 });
