import type { Db } from "@/db/client";
import type { users } from "@/db/schema";
import { generateApiKey } from "@/lib/api-keys/keys";
import { serveEndpoint, type Endpoint } from "@/lib/api/endpoint";
import { actorForUser } from "@/lib/auth/actor-for-user";
import { REQUEST } from "./run-action";

/** A key owned by `owner`, generated through the Control Panel's own operation. */
export async function keyFor(
  db: Db,
  owner: typeof users.$inferSelect,
  scope: "read" | "read_write" = "read_write",
  name = "Switch sync",
): Promise<string> {
  const key = await generateApiKey(db, actorForUser(owner, REQUEST), {
    name,
    scope,
    expiresAt: null,
  });
  return key.secret;
}

export type ApiCall = {
  key?: string | null;
  path?: string;
  params?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
};

/** One request to an endpoint, through the same door as the route handler. */
export function callApi(db: Db, endpoint: Endpoint, call: ApiCall = {}): Promise<Response> {
  const headers = new Headers(call.headers);
  if (call.key) headers.set("authorization", `Bearer ${call.key}`);
  let body: string | undefined;
  if (call.body !== undefined) {
    body = typeof call.body === "string" ? call.body : JSON.stringify(call.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  const url = `http://api.test/api/v1${call.path ?? endpoint.path}`;
  return serveEndpoint(
    db,
    endpoint,
    new Request(url, { method: endpoint.method, headers, body }),
    call.params ?? {},
  );
}
