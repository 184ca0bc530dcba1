import { createHash, randomBytes } from "node:crypto";
import { Secret, TOTP } from "otpauth";

/**
 * RFC 6238 codes as every authenticator app computes them by default: SHA-1, 6 digits, 30 s.
 * One step either side is accepted, so a code typed as it rolls over (or on a phone whose clock
 * is a little off) still works; nothing wider, so a guessed code has 3 chances in a million.
 */
const ISSUER = "Trunkline";
const WINDOW = 1;

const totpFor = (secretBase32: string, label = "") =>
  new TOTP({
    issuer: ISSUER,
    label,
    algorithm: "SHA1",
    digits: 6,
    period: 30,
    secret: Secret.fromBase32(secretBase32),
  });

/** A fresh 160-bit secret (RFC 4226's recommended length), base32 as apps expect it. */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

/** The otpauth:// URI an authenticator app reads from the QR code. */
export const totpUri = (secretBase32: string, email: string): string =>
  totpFor(secretBase32, email).toString();

export const TOTP_CODE = /^\d{6}$/;

/** The time step (RFC 6238's T) `code` belongs to at `now`, or null when it is not valid. */
export function totpStep(
  secretBase32: string,
  code: string,
  now: number = Date.now(),
): number | null {
  if (!TOTP_CODE.test(code)) return null;
  const delta = totpFor(secretBase32).validate({ token: code, timestamp: now, window: WINDOW });
  return delta === null ? null : Math.floor(now / 1000 / 30) + delta;
}

/** Whether `code` is the secret's code at `now` (or one step either side). */
export const verifyTotp = (secretBase32: string, code: string, now: number = Date.now()): boolean =>
  totpStep(secretBase32, code, now) !== null;

/** The code at `now`: for tests and the e2e spec, which compute what an app would show. */
export const totpCode = (secretBase32: string, now: number = Date.now()): string =>
  totpFor(secretBase32).generate({ timestamp: now });

export const RECOVERY_CODE_COUNT = 10;

/**
 * Recovery codes: 10 random bytes (80 bits) as 16 base32 characters in four groups, so a
 * plain SHA-256 is enough to store them (nothing to brute force, unlike a password).
 */
export function newRecoveryCode(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  const bytes = randomBytes(16);
  const chars = Array.from(bytes, (b) => alphabet[b % 32]).join("");
  return chars.match(/.{4}/g)!.join("-");
}

/** What a typed recovery code is compared as: case, spaces and dashes do not matter. */
const normaliseRecoveryCode = (code: string): string => code.toLowerCase().replace(/[\s-]/g, "");

export const hashRecoveryCode = (code: string): string =>
  createHash("sha256").update(normaliseRecoveryCode(code)).digest("hex");

/** A random token for a cookie (remembered device) and its stored hash. */
export const newDeviceToken = (): string => randomBytes(32).toString("base64url");
export const hashToken = (token: string): string =>
  createHash("sha256").update(token).digest("hex");
