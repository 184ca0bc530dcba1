import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/**
 * Sealed references to CDRs. The record id is not a field every viewer may see (DOMAIN.md: N for
 * portal users), so it never appears in a URL, cursor or page: record links and page cursors
 * carry it encrypted, under keys derived from AUTH_SECRET (one per purpose, so a cursor cannot be
 * replayed as a record link). Anything that does not open — forged, truncated, sealed under
 * another secret — reads as null, which the callers answer with 404 or the first page.
 *
 * A record link is one AES block: the id (48 bits), 32 random bits (two links to one call
 * differ) and a 48-bit constant that a forged block matches with odds of 2^-48 — and even then it
 * names only a call the viewer's scope and fields already allow. One block per link lets a whole
 * page of links be sealed by one cipher call (ECB over independent blocks), where a GCM seal per
 * row cost half a millisecond a page. Cursors, one or two a page, use AES-256-GCM.
 */

type Purpose = "record" | "cursor";

const IV_BYTES = 12;
const TAG_BYTES = 16;
const keys = new Map<string, Buffer>();

function keyFor(purpose: Purpose, secret = process.env.AUTH_SECRET): Buffer {
  if (!secret) throw new Error("AUTH_SECRET is not set: CDR references cannot be sealed.");
  const cacheKey = `${purpose}\u0000${secret}`;
  let key = keys.get(cacheKey);
  if (!key) {
    key = Buffer.from(hkdfSync("sha256", secret, "trunkline cdr reference", purpose, 32));
    keys.set(cacheKey, key);
  }
  return key;
}

function seal(purpose: Purpose, text: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", keyFor(purpose), iv);
  const body = Buffer.concat([cipher.update(text, "utf8"), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url");
}

function open(purpose: Purpose, sealed: string | null | undefined): string | null {
  if (!sealed || sealed.length > 200 || !/^[A-Za-z0-9_-]+$/.test(sealed)) return null;
  const raw = Buffer.from(sealed, "base64url");
  if (raw.length <= IV_BYTES + TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", keyFor(purpose), raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    const body = raw.subarray(IV_BYTES, raw.length - TAG_BYTES);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

const isId = (n: number) => Number.isSafeInteger(n) && n > 0;

const BLOCK = 16;
const ID_BYTES = 6;
const NONCE_BYTES = 4;
const MARK = Buffer.from("trk\u0001cd", "latin1");
const REF_LENGTH = 22; // 16 bytes in base64url

/**
 * The references record links carry (`/cdrs/<ref>`), for a page of ids at once. `secret` only
 * for tests that seal for a server they do not run in (the e2e specs); the app uses its own
 * AUTH_SECRET.
 */
export function sealCdrRefs(ids: readonly number[], secret?: string): string[] {
  if (ids.length === 0) return [];
  const plain = Buffer.alloc(ids.length * BLOCK);
  const nonces = randomBytes(ids.length * NONCE_BYTES);
  ids.forEach((id, i) => {
    if (!isId(id) || id >= 2 ** (8 * ID_BYTES)) throw new Error(`CDR id out of range: ${id}`);
    const at = i * BLOCK;
    plain.writeUIntBE(id, at, ID_BYTES);
    nonces.copy(plain, at + ID_BYTES, i * NONCE_BYTES, (i + 1) * NONCE_BYTES);
    MARK.copy(plain, at + ID_BYTES + NONCE_BYTES);
  });
  const cipher = createCipheriv("aes-256-ecb", keyFor("record", secret), null);
  cipher.setAutoPadding(false);
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  return ids.map((_, i) => sealed.subarray(i * BLOCK, (i + 1) * BLOCK).toString("base64url"));
}

export const sealCdrRef = (id: number, secret?: string): string => sealCdrRefs([id], secret)[0]!;

/** The record id of a reference this server sealed, else null. */
export function openCdrRef(ref: string | null | undefined): number | null {
  if (!ref || ref.length !== REF_LENGTH || !/^[A-Za-z0-9_-]+$/.test(ref)) return null;
  const raw = Buffer.from(ref, "base64url");
  if (raw.length !== BLOCK) return null;
  const decipher = createDecipheriv("aes-256-ecb", keyFor("record"), null);
  decipher.setAutoPadding(false);
  const block = Buffer.concat([decipher.update(raw), decipher.final()]);
  if (!block.subarray(ID_BYTES + NONCE_BYTES).equals(MARK)) return null;
  const id = block.readUIntBE(0, ID_BYTES);
  return isId(id) ? id : null;
}

/**
 * A position in the time-ordered list: the exact call start (microseconds, as text, a JS Date
 * would lose them) and id of a row, and which way to read from it in the page's order: "after"
 * the row (the next page) or "before" it (the previous page).
 */
export type CdrCursor = { way: "after" | "before"; at: string; id: number };

const AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export const sealCdrCursor = (c: CdrCursor): string =>
  seal("cursor", `${c.way === "after" ? "a" : "b"}|${c.at}|${c.id}`);

export function openCdrCursor(sealed: string | null | undefined): CdrCursor | null {
  const text = open("cursor", sealed);
  const m = text && /^([ab])\|([^|]+)\|(\d{1,16})$/.exec(text);
  if (!m || !AT.test(m[2]!)) return null;
  const id = Number(m[3]);
  return isId(id) ? { way: m[1] === "a" ? "after" : "before", at: m[2]!, id } : null;
}
