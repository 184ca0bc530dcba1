import "server-only";
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * The signing key of audit entries: AUDIT_SIGNING_KEY, or a key generated once into
 * `.data/audit-signing-key` for a single machine. It never reaches the database, so someone
 * with SQL alone (the DBA, a stolen database password) can write rows but not sign them. Every
 * app instance must hold the same key, and it must be kept: entries signed under a lost key can
 * no longer be told from forged ones.
 */

const KEY_FILE = path.join(".data", "audit-signing-key");

let cached: { key: Buffer; id: string } | null = null;

function loadKey(): string {
  const given = process.env.AUDIT_SIGNING_KEY?.trim();
  if (given) {
    if (given.length < 32) throw new Error("AUDIT_SIGNING_KEY must have at least 32 characters.");
    return given;
  }
  mkdirSync(path.dirname(KEY_FILE), { recursive: true });
  try {
    // "wx": when processes start together, one creates the key and the others read it
    writeFileSync(KEY_FILE, randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  return readFileSync(KEY_FILE, "utf8").trim();
}

function signingKey() {
  if (!cached) {
    const key = Buffer.from(loadKey(), "utf8");
    // names the key in each signature, so a verifier holding another key says so
    cached = { key, id: createHash("sha256").update(key).digest("hex").slice(0, 8) };
  }
  return cached;
}

/** `keyId:hmac` over the entry's id and content hash (trunkline_audit_entry_hash). */
export function signEntry(entryId: number, entryHash: string): string {
  const { key, id } = signingKey();
  const mac = createHmac("sha256", key).update(`${entryId}:${entryHash}`).digest("hex");
  return `${id}:${mac}`;
}

export type SignatureCheck = "valid" | "missing" | "invalid" | "other-key";

export function checkSignature(
  entryId: number,
  entryHash: string,
  signature: string | undefined,
): SignatureCheck {
  if (signature === undefined) return "missing";
  const expected = signEntry(entryId, entryHash);
  if (signature.split(":")[0] !== expected.split(":")[0]) return "other-key";
  const a = Buffer.from(signature);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b) ? "valid" : "invalid";
}
