import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { cdrs } from "@/db/schema";

/**
 * The CDR field catalogue (DOMAIN.md "CDR fields and default visibility"): every field a CDR
 * carries, how it reads, and its default per audience. "never" cells hold whatever any setting
 * says: the effective-field function drops them last.
 */

/** D shown by default, O off by default but may be enabled, N never for that audience. */
export type FieldDefault = "D" | "O" | "N";
export type CdrAudience = "customer" | "carrier" | "staff";
type CdrFieldType = "time" | "text" | "id" | "number" | "money" | "seconds" | "ip" | "bool";
/** Which side of the call a field belongs to: `buy` is the carrier side, `margin` the operator's. */
type CdrFieldSide = "call" | "sell" | "buy" | "margin";

export type CdrField<K extends string = string> = {
  key: K;
  label: string;
  type: CdrFieldType;
  unit?: string;
  side: CdrFieldSide;
  column: AnyPgColumn;
  defaults: Record<CdrAudience, FieldDefault>;
};

const f = <K extends string>(
  key: K,
  label: string,
  type: CdrFieldType,
  side: CdrFieldSide,
  column: AnyPgColumn,
  [customer, carrier, staff]: [FieldDefault, FieldDefault, FieldDefault],
  unit?: string,
): CdrField<K> => ({
  key,
  label,
  type,
  side,
  column,
  defaults: { customer, carrier, staff },
  ...(unit ? { unit } : {}),
});

export const CDR_FIELDS = [
  f("id", "Record id", "id", "call", cdrs.id, ["N", "N", "O"]),
  f("dt", "Call start", "time", "call", cdrs.dt, ["D", "D", "D"], "UTC"),
  f("answer_time", "Answered", "time", "call", cdrs.answerTime, ["O", "O", "D"], "UTC"),
  f("end_time", "Ended", "time", "call", cdrs.endTime, ["O", "O", "D"], "UTC"),
  f("callid", "Call-ID", "text", "sell", cdrs.callid, ["D", "N", "D"]),
  f("callid_b", "Call-ID (carrier leg)", "text", "buy", cdrs.callidB, ["N", "D", "D"]),
  f("direction", "Direction", "text", "call", cdrs.direction, ["D", "D", "D"]),
  f("source_cli", "Caller (received)", "text", "sell", cdrs.sourceCli, ["D", "N", "D"]),
  f("source_dest_number", "Dialled number", "text", "sell", cdrs.sourceDestNumber, ["D", "N", "D"]),
  f("dest_cli", "Caller (sent)", "text", "call", cdrs.destCli, ["O", "D", "D"]),
  f("dest_number", "Destination number", "text", "call", cdrs.destNumber, ["D", "D", "D"]),
  f("tech_prefix", "Tech prefix", "text", "sell", cdrs.techPrefix, ["D", "N", "D"]),
  f("customer_id", "Customer", "id", "sell", cdrs.customerId, ["D", "N", "D"]),
  f("ingress_id", "Ingress route", "id", "sell", cdrs.ingressId, ["O", "N", "D"]),
  f("customer_card_id", "Customer rate card", "id", "sell", cdrs.customerCardId, ["D", "N", "D"]),
  f("carrier_id", "Carrier", "id", "buy", cdrs.carrierId, ["N", "D", "D"]),
  f("carrier_card_id", "Carrier rate card", "id", "buy", cdrs.carrierCardId, ["N", "D", "D"]),
  f("customer_dest_code", "Prefix", "text", "sell", cdrs.customerDestCode, ["D", "N", "D"]),
  f("customer_dest_name", "Destination", "text", "sell", cdrs.customerDestName, ["D", "N", "D"]),
  f("customer_rate", "Rate", "money", "sell", cdrs.customerRate, ["D", "N", "D"], "per min"),
  f("customer_connect_cost", "Connect fee", "money", "sell", cdrs.customerConnectCost, [
    "D",
    "N",
    "D",
  ]),
  f("customer_duration", "Billed", "seconds", "sell", cdrs.customerDuration, ["D", "N", "D"], "s"),
  f("customer_charge", "Charge", "money", "sell", cdrs.customerCharge, ["D", "N", "D"]),
  f("customer_currency", "Currency", "text", "sell", cdrs.customerCurrency, ["D", "N", "D"]),
  f("carrier_dest_code", "Carrier prefix", "text", "buy", cdrs.carrierDestCode, ["N", "D", "D"]),
  f("carrier_dest_name", "Carrier destination", "text", "buy", cdrs.carrierDestName, [
    "N",
    "D",
    "D",
  ]),
  f("carrier_rate", "Buy rate", "money", "buy", cdrs.carrierRate, ["N", "D", "D"], "per min"),
  f("carrier_connect_cost", "Carrier connect fee", "money", "buy", cdrs.carrierConnectCost, [
    "N",
    "D",
    "D",
  ]),
  f(
    "carrier_duration",
    "Carrier billed",
    "seconds",
    "buy",
    cdrs.carrierDuration,
    ["N", "D", "D"],
    "s",
  ),
  f("carrier_charge", "Cost", "money", "buy", cdrs.carrierCharge, ["N", "D", "D"]),
  f("carrier_currency", "Carrier currency", "text", "buy", cdrs.carrierCurrency, ["N", "D", "D"]),
  f("profit", "Profit", "money", "margin", cdrs.profit, ["N", "N", "D"]),
  f("profit_pct", "Profit %", "number", "margin", cdrs.profitPct, ["N", "N", "D"], "%"),
  f("duration", "Duration", "seconds", "call", cdrs.duration, ["D", "D", "D"], "s"),
  f("ring_duration", "Ringing", "seconds", "call", cdrs.ringDuration, ["D", "D", "D"], "s"),
  f("pdd_in", "PDD", "number", "sell", cdrs.pddIn, ["D", "N", "D"], "ms"),
  f("pdd_out", "PDD (carrier leg)", "number", "buy", cdrs.pddOut, ["N", "D", "D"], "ms"),
  f("sip_code", "SIP code", "number", "call", cdrs.sipCode, ["D", "D", "D"]),
  f("sip_reason", "SIP reason", "text", "call", cdrs.sipReason, ["D", "D", "D"]),
  f("release_reason", "Release reason", "text", "call", cdrs.releaseReason, ["D", "D", "D"]),
  f("source_ip", "Source IP", "ip", "sell", cdrs.sourceIp, ["D", "N", "D"]),
  f("dest_ip", "Carrier IP", "ip", "buy", cdrs.destIp, ["N", "D", "D"]),
  f("codec", "Codec", "text", "call", cdrs.codec, ["O", "O", "D"]),
  f("user_agent", "User agent", "text", "call", cdrs.userAgent, ["O", "O", "D"]),
  f("transport", "Transport", "text", "call", cdrs.transport, ["O", "O", "D"]),
  f("mos", "MOS", "number", "call", cdrs.mos, ["O", "O", "D"]),
  f("jitter", "Jitter", "number", "call", cdrs.jitter, ["O", "O", "D"], "ms"),
  f("packet_loss", "Packet loss", "number", "call", cdrs.packetLoss, ["O", "O", "D"], "%"),
  f("dtmf", "DTMF", "bool", "call", cdrs.dtmf, ["D", "O", "D"]),
  f("recording_cost", "Recording cost", "money", "sell", cdrs.recordingCost, ["O", "N", "D"]),
] as const satisfies readonly CdrField[];

export type CdrFieldKey = (typeof CDR_FIELDS)[number]["key"];
export const CDR_FIELD_KEYS = CDR_FIELDS.map((c) => c.key) as [CdrFieldKey, ...CdrFieldKey[]];

const BY_KEY = new Map<string, CdrField>(CDR_FIELDS.map((c) => [c.key, c]));
export const cdrField = (key: CdrFieldKey): CdrField => BY_KEY.get(key)!;
export const isCdrFieldKey = (key: string): key is CdrFieldKey => BY_KEY.has(key);

/** The catalogue's default set for an audience (its D cells), in catalogue order. */
export const defaultCdrFields = (audience: CdrAudience): CdrFieldKey[] =>
  CDR_FIELDS.filter((c) => c.defaults[audience] === "D").map((c) => c.key);
