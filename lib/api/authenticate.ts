import type { DbOrTx } from "@/db/client";
import type { ActorContext } from "@/lib/audit/actor";
import { verifyApiKey, type ApiKeyRow } from "@/lib/api-keys/keys";
import { noteApiKeyUse } from "@/lib/api-keys/usage";
import type { CurrentUser } from "@/lib/auth/session";
import type { RequestContext } from "@/lib/http/request-context";
import { problem } from "@/lib/http/problem";

/** A request the API has identified: the key, the user it acts as, and its audit actor. */
export type ApiCaller = { key: ApiKeyRow; user: CurrentUser; actor: ActorContext };

const unauthorized = (detail: string) =>
  problem({
    status: 401,
    detail,
    headers: { "www-authenticate": 'Bearer realm="trunkline-api"' },
  });

/**
 * The caller behind `Authorization: Bearer …`, or a 401 problem. A key acts as its owner, with
 * the owner's role and account as they are now: a disabled owner's keys stop working, and a
 * changed role changes what the key may do. The User column reads "owner · key name".
 */
export async function authenticateApiRequest(
  db: DbOrTx,
  authorization: string | null,
  request: RequestContext,
): Promise<ApiCaller | Response> {
  if (!authorization?.trim()) {
    return unauthorized("Send an API key as Authorization: Bearer <key>.");
  }
  const key = await verifyApiKey(db, authorization);
  if (!key) return unauthorized("The API key is not valid, or it was revoked or has expired.");
  const { owner, ...keyRow } = key;
  if (!owner) return unauthorized("The API key's owner can no longer sign in.");
  await noteApiKeyUse(db, keyRow.id, request.ip);
  const user: CurrentUser = { ...owner, sessionId: null };
  return {
    key: keyRow,
    user,
    actor: {
      type: "api",
      userId: owner.id,
      label: `${owner.name} · ${keyRow.name}`,
      detail: owner.accountId === null ? null : `${owner.name} <${owner.email}>`,
      apiKeyId: keyRow.id,
      channel: "api",
      ...request,
    },
  };
}
