import { createHash, randomBytes } from "node:crypto";

export const INVITATION_HOURS = 72;
export const RESET_HOURS = 24;

/** sha256 hex of a token: only this is stored, so a database leak yields no usable link. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** A fresh single-use token (256 bits), its stored hash and its expiry. */
export function newPasswordToken(hours: number, now = new Date()) {
  const token = randomBytes(32).toString("base64url");
  return {
    token,
    hash: hashToken(token),
    expiresAt: new Date(now.getTime() + hours * 60 * 60 * 1000),
  };
}

export function setPasswordLink(baseUrl: string, token: string): string {
  // The token is added after the URL is parsed, so a bad base URL's error never carries it.
  const url = new URL("/set-password", baseUrl);
  url.searchParams.set("token", token);
  return url.toString();
}

const MASKED_TOKEN = "[masked]";

/**
 * Replaces the token of every set-password link in `text`: what the outbox keeps of a message
 * once SMTP has it, so the copy readable in the Control Panel opens nothing.
 */
export function maskSetPasswordTokens(text: string): string {
  return text.replace(/(\/set-password\?token=)[^\s&#]+/g, `$1${MASKED_TOKEN}`);
}
