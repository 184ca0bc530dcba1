import { z } from "zod";
import type { CdrFieldKey } from "./fields";

/**
 * One CDR as the switch sends it: the catalogue's snake_case keys (lib/cdrs/fields.ts) less
 * `id`, which the database assigns. Ranges follow the columns of `cdrs`, so a valid row never
 * fails in the database; unknown keys are refused (a misspelt field must not vanish silently).
 */

const text = (max: number) => z.string().min(1, "is empty").max(max);
const optionalText = (max: number) => z.string().max(max).nullish();
const timestamp = z.iso.datetime({ offset: true, message: "must be an ISO 8601 time with a zone" });
const accountId = z.int().positive();
const int4 = z.int().nonnegative().max(2_147_483_647);
/** Non-negative and below 10^digits-before-the-point of its numeric column. */
const amount = (below: number) => z.number().nonnegative().lt(below);
const ip = z.union([z.ipv4(), z.ipv6()], { message: "must be an IPv4 or IPv6 address" });
const currency = z
  .string()
  .regex(/^[A-Z]{3}$/, "must be a 3-letter upper-case currency code")
  .default("USD");

const ROW_SHAPE = {
  dt: timestamp,
  answer_time: timestamp.nullish(),
  end_time: timestamp.nullish(),
  callid: text(255),
  callid_b: optionalText(255),
  direction: z.enum(["termination", "origination"]).default("termination"),
  source_cli: optionalText(64),
  source_dest_number: text(64),
  dest_cli: optionalText(64),
  dest_number: text(64),
  tech_prefix: optionalText(32),
  customer_id: accountId,
  ingress_id: accountId.nullish(),
  customer_card_id: accountId.nullish(),
  carrier_id: accountId.nullish(),
  carrier_card_id: accountId.nullish(),
  customer_dest_code: optionalText(32),
  customer_dest_name: optionalText(200),
  customer_rate: amount(1e6).nullish(),
  customer_connect_cost: amount(1e6).nullish(),
  customer_duration: int4.default(0),
  customer_charge: amount(1e8).default(0),
  customer_currency: currency,
  carrier_dest_code: optionalText(32),
  carrier_dest_name: optionalText(200),
  carrier_rate: amount(1e6).nullish(),
  carrier_connect_cost: amount(1e6).nullish(),
  carrier_duration: int4.default(0),
  carrier_charge: amount(1e8).default(0),
  carrier_currency: currency,
  // A loss is negative: these two alone may be.
  profit: z.number().gt(-1e8).lt(1e8).nullish(),
  profit_pct: z.number().gt(-1e6).lt(1e6).nullish(),
  duration: amount(1e7).default(0),
  ring_duration: amount(1e5).default(0),
  pdd_in: int4.nullish(),
  pdd_out: int4.nullish(),
  sip_code: z.int().min(100).max(699),
  sip_reason: optionalText(200),
  release_reason: optionalText(200),
  source_ip: ip.nullish(),
  dest_ip: ip.nullish(),
  codec: optionalText(64),
  user_agent: optionalText(255),
  transport: optionalText(16),
  mos: z.number().min(1).max(5).nullish(),
  jitter: amount(1e6).nullish(),
  packet_loss: z.number().min(0).max(100).nullish(),
  dtmf: z.boolean().default(false),
  recording_cost: amount(1e6).nullish(),
} satisfies Record<Exclude<CdrFieldKey, "id">, z.ZodType>;

const cdrRowSchema = z.strictObject(ROW_SHAPE);
export type CdrRow = z.infer<typeof cdrRowSchema>;

/** The columns a row fills, in one order for the insert (catalogue keys are the column names). */
export const CDR_ROW_KEYS = Object.keys(ROW_SHAPE) as (keyof CdrRow)[];

export type CdrRowError = { row: number; field: string; message: string };

const REQUIRED = new Set(
  Object.entries(ROW_SHAPE)
    .filter(([, schema]) => !schema.safeParse(undefined).success)
    .map(([key]) => key),
);

/**
 * Validates one row (`row` is its 1-based number in the batch): the parsed row, or every error
 * it has. Beyond types and ranges: the call's times in order, and a profit when the two sides
 * are billed in different currencies (the switch converts; nothing here invents an FX rate).
 */
export function parseCdrRow(
  raw: unknown,
  row: number,
): { ok: true; value: CdrRow } | { ok: false; errors: CdrRowError[] } {
  const parsed = cdrRowSchema.safeParse(raw);
  if (!parsed.success) {
    const given = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : null;
    return {
      ok: false,
      errors: parsed.error.issues.map((issue) => {
        if (issue.code === "unrecognized_keys") {
          return { row, field: issue.keys.join(", "), message: "is not a CDR field" };
        }
        const field = String(issue.path[0] ?? "");
        if (!field) return { row, field: "", message: "must be an object of CDR fields" };
        const missing = REQUIRED.has(field) && given?.[field] == null;
        return { row, field, message: missing ? "is required" : issue.message };
      }),
    };
  }
  const value = parsed.data;
  const errors: CdrRowError[] = [];
  const start = Date.parse(value.dt);
  const answer = value.answer_time ? Date.parse(value.answer_time) : null;
  const end = value.end_time ? Date.parse(value.end_time) : null;
  if (answer !== null && answer < start) {
    errors.push({ row, field: "answer_time", message: "is before dt (the call start)" });
  }
  if (end !== null && end < (answer ?? start)) {
    errors.push({
      row,
      field: "end_time",
      message: answer !== null ? "is before answer_time" : "is before dt (the call start)",
    });
  }
  if (value.profit == null && value.customer_currency !== value.carrier_currency) {
    errors.push({
      row,
      field: "profit",
      message:
        `is required when the currencies differ (${value.customer_currency} sold, ` +
        `${value.carrier_currency} bought)`,
    });
  }
  return errors.length ? { ok: false, errors } : { ok: true, value };
}
