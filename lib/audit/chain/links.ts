import { createHash } from "node:crypto";

/** The chain hash before the first entry ever sealed. */
export const GENESIS_HASH = "0".repeat(64);

/**
 * A link: SHA-256 over the previous link's chain hash, this entry's id and the hash of its
 * content (hex), so each link fixes the entry's place and content and everything before it.
 */
export function linkHash(previousChainHash: string, entryId: number, entryHash: string): string {
  return createHash("sha256").update(`${previousChainHash}:${entryId}:${entryHash}`).digest("hex");
}

/** Advisory lock keys (the two-int form: a key space apart from hashtextextended's bigints). */
export const HORIZON_LOCK = [7301, 1] as const;
export const SEALER_LOCK = [7301, 2] as const;
/** One watch notifier at a time across app instances (lib/watches/notify.ts). */
export const WATCH_NOTIFIER_LOCK = [7301, 4] as const;
