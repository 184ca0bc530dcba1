import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";

/**
 * Short-lived signed statements the browser carries between two requests of a sign-in or an
 * enrolment, so nothing half-done is stored: "this user's password was right" (between the
 * password and the code steps) and "this is the secret shown to this user" (between the QR code
 * and the confirming code). HMAC-SHA256 under a key derived from AUTH_SECRET, one per purpose,
 * so one kind can never be passed off as the other.
 */
export type TicketPurpose = "second-factor" | "enrolment";

const payloadSchema = z.object({
  uid: z.number().int().positive(),
  exp: z.number().int(),
  // The enrolment's secret; absent from a sign-in ticket.
  secret: z.string().max(128).optional(),
  n: z.string(),
});
type Payload = z.infer<typeof payloadSchema>;

function keyFor(purpose: TicketPurpose): Buffer {
  const secret = process.env.AUTH_SECRET;
  if (!secret) throw new Error("AUTH_SECRET is not set: sign-in tickets cannot be signed.");
  return createHmac("sha256", secret).update(`trunkline totp ticket: ${purpose}`).digest();
}

const mac = (purpose: TicketPurpose, body: string) =>
  createHmac("sha256", keyFor(purpose)).update(body).digest("base64url");

export function signTicket(
  purpose: TicketPurpose,
  fields: { uid: number; secret?: string },
  ttlSeconds: number,
  now: number = Date.now(),
): string {
  const payload: Payload = {
    ...fields,
    exp: Math.floor(now / 1000) + ttlSeconds,
    n: randomBytes(9).toString("base64url"),
  };
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${body}.${mac(purpose, body)}`;
}

/** The ticket's fields when its signature is right and it has not expired; otherwise null. */
export function readTicket(
  purpose: TicketPurpose,
  ticket: unknown,
  now: number = Date.now(),
): { uid: number; secret?: string } | null {
  if (typeof ticket !== "string" || ticket.length > 1024) return null;
  const [body, sig, extra] = ticket.split(".");
  if (!body || !sig || extra !== undefined) return null;
  const expected = Buffer.from(mac(purpose, body));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success || parsed.data.exp < Math.floor(now / 1000)) return null;
  return { uid: parsed.data.uid, secret: parsed.data.secret };
}
