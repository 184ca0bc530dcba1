import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { PEER_IP_HEADER } from "./client-ip";

/**
 * Facts about a connection (the peer's address, the request id) reach the app as request headers
 * set by `npm start`'s own HTTP server. A client can send the same headers, and under another
 * launcher (`next start`) nothing would replace them, so the server also sends an HMAC of both
 * under a secret that exists only in its process's memory. Headers without a valid seal are
 * ignored: however the app is started, no header a client sends chooses its recorded address.
 */

/** Set by the Trunkline server for every request, so log lines and audit entries share it. */
export const REQUEST_ID_HEADER = "x-request-id";
export const PEER_SEAL_HEADER = "x-trunkline-peer-seal";

// On globalThis: Next's separately bundled server chunks run in the start script's process and
// must see the secret it created; a module-level variable would be one copy per bundle.
const SECRET_KEY = Symbol.for("trunkline.peerSealSecret");
type GlobalWithSecret = typeof globalThis & { [SECRET_KEY]?: Buffer };

/** Creates this process's sealing secret (once); only the process's own HTTP server calls it. */
export function createPeerSealSecret(): void {
  const g = globalThis as GlobalWithSecret;
  g[SECRET_KEY] ??= randomBytes(32);
}

function secret(): Buffer | null {
  return (globalThis as GlobalWithSecret)[SECRET_KEY] ?? null;
}

function mac(key: Buffer, peer: string, requestId: string): string {
  return createHmac("sha256", key).update(`${peer}\n${requestId}`).digest("base64url");
}

type HeaderBag = Record<string, string | string[] | undefined>;

/**
 * Replaces whatever the client sent in the three headers with the socket's facts and their seal.
 * Without a secret (createPeerSealSecret not called) it still sets them, unsealed: then ignored.
 */
export function sealPeerHeaders(headers: HeaderBag, peer: string, requestId: string): void {
  const key = secret();
  headers[PEER_IP_HEADER] = peer;
  headers[REQUEST_ID_HEADER] = requestId;
  if (key) headers[PEER_SEAL_HEADER] = mac(key, peer, requestId);
  else delete headers[PEER_SEAL_HEADER];
}

export type SealedPeer = { peer: string | null; requestId: string | null };

/** The peer address and request id when their seal is valid; both null otherwise. */
export function unsealPeerHeaders(headers: Headers): SealedPeer {
  const key = secret();
  const peer = headers.get(PEER_IP_HEADER);
  const requestId = headers.get(REQUEST_ID_HEADER);
  const seal = headers.get(PEER_SEAL_HEADER);
  if (!key || peer === null || requestId === null || seal === null) {
    return { peer: null, requestId: null };
  }
  const expected = Buffer.from(mac(key, peer, requestId));
  const given = Buffer.from(seal);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { peer: null, requestId: null };
  }
  return { peer, requestId };
}
