import { buildDestinations, type DestinationSpec } from "@/seed/demo/destinations";
import { Random } from "@/seed/random";

/**
 * The bench's CDR dataset: BENCH_CDRS calls (default 10,000,000) over the 30 days before the
 * first CDR seed run, from CUSTOMERS customer accounts to the demo's rate deck (a few hundred
 * breakouts) through CARRIERS carriers. Traffic is skewed as on a real switch: a few customers
 * and destinations carry most calls, each customer dials its own set of countries, and least-
 * cost routing sends most of a breakout's calls to its cheapest carrier. Batch `b` is the same
 * rows on every run (its own PRNG stream), so a load resumes at the first batch not yet in.
 */

export const CDR_DAYS = 30;
const CUSTOMERS = 120;
const CARRIERS = 20;
export const CUSTOMER_PREFIX = "Bench Customer";
export const CARRIER_PREFIX = "Bench Carrier";

export function cdrTotal(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.BENCH_CDRS?.trim();
  const n = raw ? Number(raw.replace(/_/g, "")) : 10_000_000;
  if (!Number.isInteger(n) || n < 0) throw new Error(`BENCH_CDRS must be a whole number: ${raw}`);
  return n;
}

export function cdrBatchSize(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.BENCH_CDR_BATCH?.trim() || 20_000);
  if (!Number.isInteger(n) || n < 1 || n > 50_000) {
    throw new Error(`BENCH_CDR_BATCH must be 1–50,000: ${env.BENCH_CDR_BATCH}`);
  }
  return n;
}

/** BENCH_CDR_STREAMS: clients sending batches at once (default 1: one switch, in sequence). */
export function cdrStreams(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.BENCH_CDR_STREAMS?.trim() || 1);
  if (!Number.isInteger(n) || n < 1 || n > 8) {
    throw new Error(`BENCH_CDR_STREAMS must be 1–8: ${env.BENCH_CDR_STREAMS}`);
  }
  return n;
}

const FX: Record<string, number> = { USD: 1, EUR: 0.92, GBP: 0.79 };
/** Local-hour traffic curve (UTC here: the bench's customers share one business day). */
const HOURLY = [
  0.15, 0.1, 0.08, 0.08, 0.1, 0.15, 0.3, 0.5, 0.8, 1, 1, 1, 1, 0.9, 1, 1, 1, 1, 0.85, 0.75, 0.65,
  0.5, 0.35, 0.22,
];
const FAILURES = [
  { code: 487, reason: "Request Terminated", weight: 32 },
  { code: 486, reason: "Busy Here", weight: 20 },
  { code: 480, reason: "Temporarily Unavailable", weight: 20 },
  { code: 503, reason: "Service Unavailable", weight: 18 },
  { code: 404, reason: "Not Found", weight: 10 },
] as const;

export type BenchAccount = { id: number; name: string; currency: string };

type Customer = BenchAccount & {
  weight: number;
  markup: number;
  breakouts: { spec: DestinationSpec; weight: number }[];
  totalWeight: number;
};

/** A Zipf-like weight: rank 0 busiest. */
const zipf = (rank: number, s = 1) => 1 / (rank + 1) ** s;

/** What the accounts will be called and in which currency, before they exist. */
export function plannedAccounts(): {
  customers: { name: string; currency: string }[];
  carriers: { name: string; currency: string }[];
} {
  const name = (prefix: string, i: number) => `${prefix} ${String(i + 1).padStart(3, "0")}`;
  return {
    customers: Array.from({ length: CUSTOMERS }, (_, i) => ({
      name: name(CUSTOMER_PREFIX, i),
      currency: i % 10 < 7 ? "USD" : i % 10 < 9 ? "EUR" : "GBP",
    })),
    carriers: Array.from({ length: CARRIERS }, (_, i) => ({
      name: name(CARRIER_PREFIX, i),
      currency: i % 5 === 4 ? "EUR" : "USD",
    })),
  };
}

export class CdrDataset {
  private readonly customers: Customer[];
  private readonly customerWeight: number;
  private readonly carriers: (BenchAccount & { cost: number })[];
  /** Hour boundaries of the traffic curve over the window, cumulative, for batch time ranges. */
  private readonly cumulative: number[];

  constructor(
    readonly start: Date,
    readonly total: number,
    readonly batchSize: number,
    customers: BenchAccount[],
    carriers: BenchAccount[],
  ) {
    const rng = new Random(0xcd_2026);
    const deck = buildDestinations();
    const countries = [...new Set(deck.map((d) => d.iso))];
    this.carriers = carriers.map((c, i) => ({ ...c, cost: 0.78 + (i % 7) * 0.035 }));
    this.customers = customers.map((c, i) => {
      // Each customer sells a few countries (its market), one of them heavily, and within them
      // a few destinations carry most of its calls.
      const own = rng.sample(countries, 2 + rng.int(0, 6));
      const market = deck.filter((d) => own.includes(d.iso));
      const breakouts = rng.sample(market, market.length).map((spec, rank) => ({
        spec,
        weight: (own.indexOf(spec.iso) === 0 ? 4 : 1) * zipf(rank, 1.1),
      }));
      return {
        ...c,
        weight: zipf(i, 0.9),
        markup: rng.between(1.08, 1.3),
        breakouts,
        totalWeight: breakouts.reduce((s, b) => s + b.weight, 0),
      };
    });
    this.customerWeight = this.customers.reduce((s, c) => s + c.weight, 0);
    this.cumulative = [0];
    for (let h = 0; h < CDR_DAYS * 24; h++) {
      const day = new Date(start.getTime() + h * 3_600_000).getUTCDay();
      const weekend = day === 0 || day === 6 ? 0.55 : 1;
      this.cumulative.push(this.cumulative[h]! + HOURLY[h % 24]! * weekend);
    }
  }

  get batches(): number {
    return Math.ceil(this.total / this.batchSize);
  }

  /** The window's time at traffic share `q` (0–1), so busy hours get more calls per batch. */
  private timeAt(q: number): number {
    const target = q * this.cumulative[this.cumulative.length - 1]!;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! <= target) lo = mid;
      else hi = mid;
    }
    const span = this.cumulative[hi]! - this.cumulative[lo]!;
    const frac = span > 0 ? (target - this.cumulative[lo]!) / span : 0;
    return this.start.getTime() + (lo + frac) * 3_600_000;
  }

  /** The rows of batch `b` (0-based), in call-time order, as the switch would send them. */
  batch(b: number): Record<string, unknown>[] {
    const first = b * this.batchSize;
    const count = Math.min(this.batchSize, this.total - first);
    const rng = new Random(0x5eed_0000 + b);
    const from = this.timeAt(first / this.total);
    const to = this.timeAt((first + count) / this.total);
    const times = Array.from({ length: count }, () => from + rng.next() * (to - from)).sort(
      (x, y) => x - y,
    );
    return times.map((t, i) => this.row(rng, Math.floor(t), first + i));
  }

  private row(rng: Random, t: number, n: number): Record<string, unknown> {
    const customer = pickWeighted(rng, this.customers, this.customerWeight, (c) => c.weight);
    const { spec } = pickWeighted(rng, customer.breakouts, customer.totalWeight, (b) => b.weight);
    // Least-cost routing: three carriers serve a breakout, the cheapest nearly always.
    const h = hash(spec.prefix);
    const route = rng.next();
    const carrier = this.carriers[(h + (route < 0.85 ? 0 : route < 0.97 ? 7 : 13)) % CARRIERS]!;

    const number = spec.prefix + rng.digits(Math.max(4, spec.length - spec.prefix.length));
    const connected = rng.chance(spec.kind === "fixed" ? 0.58 : 0.52);
    const failure = connected ? null : rng.weighted(FAILURES, (f) => f.weight);
    const pddIn =
      connected || rng.chance(0.6) ? Math.round(rng.normal(2200, 650, 450, 9000)) : null;
    const ring = connected ? rng.between(2, 22) : failure!.code === 487 ? rng.between(3, 40) : 0;
    const duration = connected
      ? Math.round((rng.chance(0.11) ? rng.between(0.6, 6) : 7 + rng.exponential(235)) * 1000) /
        1000
      : 0;
    const setup = (pddIn ?? 300) + ring * 1000;
    const answer = connected ? t + setup : null;
    const end = connected ? answer! + duration * 1000 : t + setup;

    const sellRate = round(spec.rate * customer.markup * FX[customer.currency]!, 4);
    const buyRate = round(spec.rate * carrier.cost * FX[carrier.currency]!, 4);
    const sellBilled = billed(duration, 60, 6);
    const buyBilled = billed(duration, 1, 1);
    const charge = round((sellRate * sellBilled) / 60, 6);
    const cost = round((buyRate * buyBilled) / 60, 6);
    const ip = `198.51.100.${(customer.id % 250) + 1}`;
    return {
      dt: new Date(t).toISOString(),
      answer_time: answer === null ? null : new Date(answer).toISOString(),
      end_time: new Date(end).toISOString(),
      callid: `${n.toString(16).padStart(12, "0")}${rng.hex(12)}@${ip}`,
      callid_b: rng.uuid(),
      source_cli: `4420${rng.digits(8)}`,
      source_dest_number: number,
      dest_cli: `4420${rng.digits(8)}`,
      dest_number: number,
      customer_id: customer.id,
      customer_card_id: 2000 + (customer.id % 1000),
      carrier_id: carrier.id,
      carrier_card_id: 3000 + (carrier.id % 1000),
      customer_dest_code: spec.prefix,
      customer_dest_name: spec.name,
      customer_rate: sellRate,
      customer_connect_cost: 0,
      customer_duration: sellBilled,
      customer_charge: charge,
      customer_currency: customer.currency,
      carrier_dest_code: spec.prefix,
      carrier_dest_name: spec.name,
      carrier_rate: buyRate,
      carrier_connect_cost: 0,
      carrier_duration: buyBilled,
      carrier_charge: cost,
      carrier_currency: carrier.currency,
      // the switch converts the cost into the customer's currency
      profit: round(charge - (cost / FX[carrier.currency]!) * FX[customer.currency]!, 6),
      duration,
      ring_duration: round(ring, 3),
      pdd_in: pddIn,
      pdd_out: pddIn === null ? null : Math.max(200, pddIn - rng.int(30, 260)),
      sip_code: connected ? 200 : failure!.code,
      sip_reason: connected ? "OK" : failure!.reason,
      release_reason: connected ? (rng.chance(0.54) ? "Downstream BYE" : "Upstream BYE") : null,
      source_ip: ip,
      dest_ip: `203.0.113.${(carrier.id % 250) + 1}`,
      codec: rng.chance(0.7) ? "PCMA" : "G729",
      transport: "UDP",
      mos: connected ? round(rng.normal(4.15, 0.22, 2.6, 4.5), 2) : null,
      jitter: connected ? round(rng.exponential(4) + 0.3, 2) : null,
      packet_loss: connected ? round(rng.between(0, 0.6), 2) : null,
    };
  }
}

function pickWeighted<T>(rng: Random, items: T[], total: number, weight: (item: T) => number): T {
  let r = rng.next() * total;
  for (const item of items) {
    r -= weight(item);
    if (r < 0) return item;
  }
  return items[items.length - 1]!;
}

function billed(duration: number, minimum: number, increment: number): number {
  if (duration <= 0) return 0;
  return Math.max(minimum, Math.ceil(Math.ceil(duration) / increment) * increment);
}

const round = (v: number, places: number) => Math.round(v * 10 ** places) / 10 ** places;

function hash(text: string): number {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h;
}
