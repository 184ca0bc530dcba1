import type { z } from "zod";
import { getDb, type Db } from "@/db/client";
import { AUDIT_COMMENT_HEADER } from "@/lib/actions/audit-comment";
import {
  allows,
  performOperation,
  type Audience,
  type Caller,
  type Failure,
  type Operation,
} from "@/lib/actions/operation";
import type { ApiKeyRow } from "@/lib/api-keys/keys";
import type { ActorContext } from "@/lib/audit/actor";
import type { Permission } from "@/lib/auth/permissions";
import type { CurrentUser } from "@/lib/auth/session";
import type { PortalFeature } from "@/lib/branding/fields";
import { readConfig } from "@/lib/config";
import { problem } from "@/lib/http/problem";
import { HIDDEN_SECTION_MESSAGE, portalFeatures } from "@/lib/portal/features";
import { requestContextFrom, type RequestContext } from "@/lib/http/request-context";
import { authenticateApiRequest } from "./authenticate";
import { readJsonObject, type JsonObject } from "./body";
import { etagOf, parseIfMatch } from "./etag";
import { requestFingerprint, withIdempotency } from "./idempotency";
import { spendApiRequest } from "./rate-limit";

/**
 * The REST API's door. An endpoint binds a read or an operation (declared once in lib/<noun>/)
 * to a method and a path and adds only transport: the key, the rate limit, the body, If-Match,
 * Idempotency-Key, status codes and problem documents. Permissions, audiences, validation and
 * the audit entry are the operation's, exactly as for the forms.
 */

export type ApiContext = {
  db: Db;
  user: CurrentUser;
  key: ApiKeyRow;
  actor: ActorContext;
  url: URL;
};

/** A successful answer: JSON body, status, the record's version (ETag) and Location. */
export type ApiReply = {
  status?: number;
  body?: unknown;
  version?: number;
  location?: string;
  headers?: Record<string, string>;
};

type Method = "GET" | "POST" | "PUT" | "DELETE";
type AnyObject = z.ZodType<Record<string, unknown>>;

/** What the OpenAPI document and the handler share about one method on one path. */
export type Endpoint = {
  method: Method;
  /** OpenAPI style, under /api/v1: `/accounts/{id}`. */
  path: string;
  summary: string;
  tag: string;
  description?: string;
  params?: AnyObject;
  query?: AnyObject;
  body?: z.ZodType;
  response?: z.ZodType;
  successStatus: number;
  /** Takes data out in bulk and writes a GET entry. */
  bulk: boolean;
  /** PUT: If-Match is required. */
  needsIfMatch: boolean;
  /** POST: Idempotency-Key is honoured. */
  idempotent: boolean;
  handle: (req: Request, ctx: ApiContext, params: Record<string, unknown>) => Promise<Response>;
};

const STATUS_OF: Record<Failure, number> = {
  unauthenticated: 401,
  forbidden: 403,
  invalid: 422,
  not_found: 404,
  conflict: 409,
  stale: 412,
  internal: 500,
};

function json(reply: ApiReply, fallbackStatus: number): Response {
  const status = reply.status ?? fallbackStatus;
  const headers = new Headers(reply.headers);
  headers.set("cache-control", "no-store");
  if (reply.version !== undefined) headers.set("etag", etagOf(reply.version));
  if (reply.location) headers.set("location", reply.location);
  if (status === 204 || reply.body === undefined) return new Response(null, { status, headers });
  headers.set("content-type", "application/json");
  return new Response(JSON.stringify(reply.body), { status, headers });
}

const notFound = () => problem({ status: 404, detail: "No such record." });

function queryObject(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    out[key] = all.length === 1 ? all[0]! : all;
  }
  return out;
}

const fieldErrors = (error: z.ZodError) => {
  const errors: Record<string, string[]> = {};
  for (const issue of error.issues)
    (errors[issue.path.join(".") || "_"] ??= []).push(issue.message);
  return errors;
};

/** A read: the caller's permission and audience, then the query, then the read itself. */
export function readEndpoint<Q extends Record<string, unknown>>(def: {
  path: string;
  summary: string;
  tag: string;
  description?: string;
  /** Who may read: any one of these permission and audience pairs. */
  access: readonly { permission: Permission; audience: Audience }[];
  /** The portal section this reads: a portal key gets 404 while the branding hides it. */
  portalFeature?: PortalFeature;
  params?: AnyObject;
  query?: z.ZodType<Q>;
  response: z.ZodType;
  bulk?: boolean;
  read: (
    ctx: ApiContext,
    input: { params: Record<string, unknown>; query: Q },
  ) => Promise<ApiReply | Response>;
}): Endpoint {
  return {
    method: "GET",
    path: def.path,
    summary: def.summary,
    tag: def.tag,
    description: def.description,
    params: def.params,
    query: def.query,
    response: def.response,
    successStatus: 200,
    bulk: def.bulk ?? false,
    needsIfMatch: false,
    idempotent: false,
    handle: async (_req, ctx, params) => {
      if (!def.access.some((a) => allows(ctx.user, a.permission, a.audience))) {
        return problem({ status: 403, detail: "The key's owner may not read this." });
      }
      if (
        def.portalFeature &&
        ctx.user.accountId !== null &&
        !(await portalFeatures(ctx.db))[def.portalFeature]
      ) {
        return problem({ status: 404, detail: HIDDEN_SECTION_MESSAGE });
      }
      let query = {} as Q;
      if (def.query) {
        const parsed = def.query.safeParse(queryObject(ctx.url));
        if (!parsed.success) {
          return problem({
            status: 400,
            detail: "Check the query parameters.",
            errors: fieldErrors(parsed.error),
          });
        }
        query = parsed.data;
      }
      const reply = await def.read(ctx, { params, query });
      return reply instanceof Response ? reply : json(reply, 200);
    },
  };
}

/** JSON null means "clear it", as an empty form field does: the operations' schemas agree. */
const withoutNulls = (body: JsonObject): JsonObject =>
  Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null));

/** A change: an operation bound to a verb. */
export function mutationEndpoint<S extends z.ZodType, T>(def: {
  method: "POST" | "PUT" | "DELETE";
  path: string;
  summary: string;
  tag: string;
  description?: string;
  operation: Operation<S, T>;
  params?: AnyObject;
  /** What the client sends (for the document); the operation's schema validates it. */
  body?: z.ZodType;
  response?: z.ZodType;
  /** The operation's input from the request; by default the body, the path and the version. */
  input?: (req: {
    params: Record<string, unknown>;
    body: JsonObject;
    version?: number;
  }) => Record<string, unknown>;
  /** The answer after the change (a Response for a problem, e.g. the record is gone). */
  respond: (ctx: ApiContext, data: T) => Promise<ApiReply | Response>;
  successStatus?: number;
  maxBodyBytes?: number;
}): Endpoint {
  const successStatus = def.successStatus ?? (def.method === "POST" ? 201 : 200);
  const hasBody = def.method !== "DELETE";
  return {
    method: def.method,
    path: def.path,
    summary: def.summary,
    tag: def.tag,
    description: def.description,
    params: def.params,
    body: def.body,
    response: def.response,
    successStatus,
    bulk: false,
    needsIfMatch: def.method === "PUT",
    idempotent: def.method === "POST",
    handle: async (req, ctx, params) => {
      let body: JsonObject = {};
      if (hasBody) {
        const read = await readJsonObject(req, def.maxBodyBytes);
        if (read instanceof Response) return read;
        body = withoutNulls(read);
      }
      let version: number | undefined;
      if (def.method === "PUT") {
        const ifMatch = parseIfMatch(req.headers.get("if-match"));
        if (ifMatch.kind === "missing") {
          return problem({
            status: 428,
            detail: "Send If-Match with the ETag of the version you are changing.",
          });
        }
        if (ifMatch.kind === "invalid") {
          return problem({
            status: 412,
            detail: 'If-Match must be one ETag of this API, e.g. "v3".',
          });
        }
        version = ifMatch.version;
      }
      const raw = def.input
        ? def.input({ params, body, version })
        : { ...body, ...params, ...(version === undefined ? {} : { version }) };

      const perform = async () => {
        const performed = await performOperation(def.operation, callerOf(ctx, req), raw);
        const { result } = performed;
        if (result.status === "ok") {
          const reply = await def.respond(ctx, result.data);
          return reply instanceof Response ? reply : json(reply, successStatus);
        }
        if (result.status !== "error") throw new Error("an operation answered idle");
        const status = STATUS_OF[performed.failure ?? "internal"];
        return problem({
          status,
          detail:
            status === 412
              ? "The record changed since that version: GET it again, then retry."
              : result.error,
          errors: status === 422 ? result.fieldErrors : undefined,
          extensions: performed.extensions,
        });
      };
      if (def.method !== "POST") return perform();
      const fingerprint = requestFingerprint(def.method, ctx.url.pathname, body);
      return withIdempotency(
        ctx.db,
        ctx.key.id,
        req.headers.get("idempotency-key"),
        fingerprint,
        perform,
      );
    },
  };
}

function callerOf(ctx: ApiContext, req: Request): Caller {
  return {
    user: ctx.user,
    actor: async () => ctx.actor,
    db: ctx.db,
    baseUrl: async () => readConfig().APP_URL ?? ctx.url.origin,
    auditComment: {
      value: req.headers.get(AUDIT_COMMENT_HEADER),
      encoding: "header",
      field: AUDIT_COMMENT_HEADER,
    },
  };
}

type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> };

/** The Next route handler for an endpoint, on the app's database. */
export const route =
  (endpoint: Endpoint) =>
  async (req: Request, context: RouteContext): Promise<Response> =>
    serveEndpoint(await getDb(), endpoint, req, await context.params);

/**
 * One request to an endpoint: request id, key, rate limit, scope, path parameters, then the
 * endpoint. Every answer carries X-Request-Id (the entry's Request ID) and no CORS header, so
 * browsers on other origins are refused by default.
 */
export async function serveEndpoint(
  db: Db,
  endpoint: Endpoint,
  req: Request,
  rawParams: Record<string, unknown>,
): Promise<Response> {
  const request = requestContextFrom(req.headers);
  let response: Response;
  try {
    response = await answer(db, endpoint, req, rawParams, request);
  } catch (err) {
    console.error(`[api ${request.requestId}]`, err);
    response = problem({
      status: 500,
      detail: `Something went wrong (reference ${request.requestId}).`,
    });
  }
  response.headers.set("x-request-id", request.requestId);
  return response;
}

async function answer(
  db: Db,
  endpoint: Endpoint,
  req: Request,
  rawParams: Record<string, unknown>,
  request: RequestContext,
): Promise<Response> {
  const caller = await authenticateApiRequest(db, req.headers.get("authorization"), request);
  if (caller instanceof Response) return caller;
  const limited = await spendApiRequest(db, caller.key.id);
  if (limited) return limited;
  if (endpoint.method !== "GET" && caller.key.scope !== "read_write") {
    return problem({ status: 403, detail: "This key is read-only: it cannot make changes." });
  }
  let params: Record<string, unknown> = {};
  if (endpoint.params) {
    const parsed = endpoint.params.safeParse(rawParams);
    if (!parsed.success) return notFound();
    params = parsed.data;
  }
  return endpoint.handle(req, { db, ...caller, url: new URL(req.url) }, params);
}
