import { createHash } from "node:crypto";
import { and, eq, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { apiIdempotency } from "@/db/schema";
import { problem } from "@/lib/http/problem";

/**
 * `Idempotency-Key` on POST: the first request with a key claims it, runs, and stores its answer;
 * a retry with the same key and the same request gets that answer again (marked
 * `Idempotent-Replayed: true`) and changes nothing. The same key with another request is refused
 * (422), and a retry while the first still runs gets 409. Failures of our own (5xx) release the
 * claim so the client can retry. Keys are kept for a day.
 */

const KEEP_HOURS = 24;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
// Replayed as they were: what the client needs to find the record and correlate the entry.
const REPLAYED_HEADERS = ["content-type", "location", "etag", "x-request-id"];

export function requestFingerprint(method: string, path: string, body: unknown): string {
  const hash = createHash("sha256").update(JSON.stringify(body)).digest("base64url");
  return `${method} ${path} ${hash}`;
}

async function claim(db: DbOrTx, keyId: number, idempotencyKey: string, fingerprint: string) {
  // A claim older than the retention is as good as none.
  await db
    .delete(apiIdempotency)
    .where(
      and(
        eq(apiIdempotency.keyId, keyId),
        eq(apiIdempotency.idempotencyKey, idempotencyKey),
        lt(apiIdempotency.createdAt, sql`now() - make_interval(hours => ${KEEP_HOURS})`),
      ),
    );
  const claimed = await db
    .insert(apiIdempotency)
    .values({ keyId, idempotencyKey, fingerprint })
    .onConflictDoNothing()
    .returning({ keyId: apiIdempotency.keyId });
  return claimed.length > 0;
}

export async function withIdempotency(
  db: DbOrTx,
  keyId: number,
  idempotencyKey: string | null,
  fingerprint: string,
  run: () => Promise<Response>,
): Promise<Response> {
  if (idempotencyKey === null) return run();
  if (!KEY_PATTERN.test(idempotencyKey)) {
    return problem({
      status: 400,
      detail: "Idempotency-Key must be 1 to 255 visible ASCII characters.",
    });
  }
  const where = and(
    eq(apiIdempotency.keyId, keyId),
    eq(apiIdempotency.idempotencyKey, idempotencyKey),
  );
  if (!(await claim(db, keyId, idempotencyKey, fingerprint))) {
    const [first] = await db.select().from(apiIdempotency).where(where);
    if (!first) return problem({ status: 409, detail: "Retry: the first request just finished." });
    if (first.fingerprint !== fingerprint) {
      return problem({
        status: 422,
        detail: "This Idempotency-Key was used for a different request.",
      });
    }
    if (first.status === null) {
      return problem({
        status: 409,
        detail: "A request with this Idempotency-Key is still in progress.",
      });
    }
    const headers = new Headers(first.headers ?? {});
    headers.set("idempotent-replayed", "true");
    return new Response(first.body, { status: first.status, headers });
  }

  let response: Response;
  try {
    response = await run();
  } catch (err) {
    await db.delete(apiIdempotency).where(where);
    throw err;
  }
  if (response.status >= 500) {
    await db.delete(apiIdempotency).where(where);
    return response;
  }
  const body = await response.text();
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  await db.update(apiIdempotency).set({ status: response.status, headers, body }).where(where);
  return new Response(body, { status: response.status, headers: response.headers });
}
