import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * How every outgoing webhook (SIEM destinations, watches) is signed, so a receiver can tell our
 * requests from forgeries and refuse replays: `X-Trunkline-Signature: t=<unix seconds>,v1=<hex>`
 * where v1 = HMAC-SHA256(secret, "<t>.<raw body>"). The timestamp is inside the MAC, so a
 * receiver that rejects stale `t` (see `verifyWebhookSignature`) rejects a replayed request.
 */

export const SIGNATURE_HEADER = "x-trunkline-signature";
/** A receiver should refuse a signature older (or newer) than this. */
const DEFAULT_TOLERANCE_SECONDS = 300;

const mac = (secret: string, timestamp: number, body: string) =>
  createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");

export function signWebhook(secret: string, body: string, now: Date = new Date()): string {
  const t = Math.floor(now.getTime() / 1000);
  return `t=${t},v1=${mac(secret, t, body)}`;
}

export type SignatureCheck =
  { ok: true; timestamp: number } | { ok: false; reason: "malformed" | "stale" | "mismatch" };

/** What a receiver runs (our tests do, and the README shows it): constant-time, with a window. */
export function verifyWebhookSignature(
  secret: string,
  body: string,
  header: string | null | undefined,
  { now = new Date(), toleranceSeconds = DEFAULT_TOLERANCE_SECONDS } = {},
): SignatureCheck {
  const match = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header ?? "");
  if (!match) return { ok: false, reason: "malformed" };
  const t = Number(match[1]);
  if (Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return { ok: false, reason: "stale" };
  const expected = Buffer.from(mac(secret, t, body), "hex");
  const given = Buffer.from(match[2] ?? "", "hex");
  return timingSafeEqual(expected, given)
    ? { ok: true, timestamp: t }
    : { ok: false, reason: "mismatch" };
}
