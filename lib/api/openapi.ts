import { AUDIT_COMMENT_HEADER, AUDIT_COMMENT_MAX } from "@/lib/actions/audit-comment";
import { z } from "zod";
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiParameters,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponseObject,
  type ZodOpenApiResponsesObject,
} from "zod-openapi";
import type { Endpoint } from "./endpoint";
import { ENDPOINTS } from "./v1";

/**
 * The OpenAPI 3.1 document of /api/v1, generated from the endpoints themselves: their zod
 * schemas (request bodies in input mode, answers in output mode) and the door's flags, which
 * say what the door can refuse a request with. Nothing here is written per endpoint.
 */

const problemSchema = z
  .object({
    type: z.string().describe('Always "about:blank": the title is the status\'s phrase'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().describe("What went wrong, in words a person can act on"),
    errors: z
      .record(z.string(), z.array(z.string()))
      .optional()
      .describe("422 only: each field's messages, as the Control Panel's forms show them"),
  })
  .meta({ id: "Problem", description: "An RFC 9457 problem document" });

const requestIdHeader = z
  .string()
  .meta({ description: "This request's id: the Request ID of the audit entry it wrote" });

const PROBLEMS: Record<number, string> = {
  400: "The body is not a JSON object, a query parameter is invalid, or Idempotency-Key is malformed",
  401: "No key, or a wrong, revoked or expired one, or its owner is disabled",
  403: "The key's owner may not do this (as in the Control Panel), or the key is read-only",
  404: "No such record, or not one this key may see",
  409: "The change conflicts with the record as it is, or the same Idempotency-Key is still in progress",
  412: "The version you sent (If-Match, or the body's version) is not the current one: nothing was written",
  413: "The body is over the size limit",
  415: "The body is not application/json",
  422: "Field errors (nothing was written), a missing or invalid X-Audit-Comment when a reason is required, or an Idempotency-Key reused with another body",
  428: "If-Match is missing: send the ETag of the version you are changing",
  429: "Too many requests for this key: retry after Retry-After seconds",
};

/** Whether the endpoint's body carries the record's version (a stale one is a 412). */
function bodyHasVersion(body: z.ZodType | undefined): boolean {
  return body instanceof z.ZodObject && "version" in body.shape;
}

/** The refusals the door can answer this endpoint with, from its flags. */
function problemStatuses(e: Endpoint): number[] {
  const statuses = new Set([401, 403, 429]);
  const writes = e.method !== "GET";
  if (e.params || writes) statuses.add(404);
  if (e.query || (writes && e.method !== "DELETE") || e.idempotent) statuses.add(400);
  if (writes && e.method !== "DELETE") [413, 415].forEach((s) => statuses.add(s));
  if (writes) [409, 422].forEach((s) => statuses.add(s));
  if (e.needsIfMatch || bodyHasVersion(e.body)) statuses.add(412);
  if (e.needsIfMatch) statuses.add(428);
  return [...statuses].sort((a, b) => a - b);
}

function responsesOf(e: Endpoint): ZodOpenApiResponsesObject {
  const success: ZodOpenApiResponseObject = {
    description: e.successStatus === 204 ? "Done: no body" : "Done",
    headers: z.object({
      "X-Request-Id": requestIdHeader,
      ETag: z.string().optional().meta({
        description: 'The record\'s version, e.g. "v3", when the answer is one versioned record',
      }),
      ...(e.method === "POST" && e.successStatus === 201
        ? { Location: z.string().optional().meta({ description: "The created record's URL" }) }
        : {}),
    }),
    ...(e.response && e.successStatus !== 204
      ? { content: { "application/json": { schema: e.response } } }
      : {}),
  };
  const responses: Record<string, ZodOpenApiResponseObject> = {
    [String(e.successStatus)]: success,
  };
  for (const status of problemStatuses(e)) {
    responses[String(status)] = {
      description: PROBLEMS[status]!,
      headers: z.object({
        "X-Request-Id": requestIdHeader,
        ...(status === 429
          ? { "Retry-After": z.string().meta({ description: "Seconds to wait" }) }
          : {}),
        ...(status === 401
          ? { "WWW-Authenticate": z.string().meta({ description: "The Bearer challenge" }) }
          : {}),
      }),
      content: { "application/problem+json": { schema: problemSchema } },
    };
  }
  return responses;
}

/** The endpoint's object schemas as parameter lists (their input is an object of strings). */
const asParameters = (schema: z.ZodType) => schema as NonNullable<ZodOpenApiParameters["path"]>;

/** getAccounts, putAccountsById: unique per method and path. */
function operationId(e: Endpoint): string {
  const words = e.path
    .split("/")
    .filter(Boolean)
    .map((s) => (s.startsWith("{") ? `By-${s.slice(1, -1)}` : s))
    .flatMap((s) => s.split(/[-_]/))
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1));
  return e.method.toLowerCase() + words.join("");
}

function operationOf(e: Endpoint): ZodOpenApiOperationObject {
  const headers: Record<string, z.ZodType> = {};
  if (e.needsIfMatch) {
    headers["If-Match"] = z.string().meta({
      description: 'The ETag of the version you are changing, e.g. "v3" (from a GET)',
    });
  }
  if (e.idempotent) {
    headers["Idempotency-Key"] = z.string().optional().meta({
      description:
        "Any unique string: a retry with the same key and body returns the first answer and changes nothing again",
    });
  }
  if (e.method !== "GET") {
    headers[AUDIT_COMMENT_HEADER] = z
      .string()
      .optional()
      .meta({
        description:
          `The reason for this change ("audit comment"), stored on the audit entry; at most ${AUDIT_COMMENT_MAX} characters, no control characters. ` +
          "Headers carry Latin-1, so send other text percent-encoded UTF-8 (encodeURIComponent; a literal % as %25). " +
          "Required (422 without it) when the operator's audit comment setting is required for the key owner's audience; ignored when it is off",
      });
  }
  return {
    operationId: operationId(e),
    summary: e.summary,
    ...(e.description ? { description: e.description } : {}),
    tags: [e.tag],
    requestParams: {
      ...(e.params ? { path: asParameters(e.params) } : {}),
      ...(e.query ? { query: asParameters(e.query) } : {}),
      ...(Object.keys(headers).length > 0 ? { header: z.object(headers) } : {}),
    },
    ...(e.body
      ? { requestBody: { required: true, content: { "application/json": { schema: e.body } } } }
      : {}),
    responses: responsesOf(e),
  };
}

function buildDocument() {
  const paths: ZodOpenApiPathsObject = {
    // This document itself: public, as it holds no data.
    "/openapi.json": {
      get: {
        operationId: "getOpenapiJson",
        summary: "This OpenAPI document",
        tags: ["Documentation"],
        security: [],
        responses: {
          "200": {
            description: "The OpenAPI 3.1 document",
            content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
          },
        },
      },
    },
  };
  for (const e of ENDPOINTS) {
    const item = (paths[e.path] ??= {});
    item[e.method.toLowerCase() as "get" | "post" | "put" | "delete"] = operationOf(e);
  }
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: "Trunkline REST API",
      version: "1",
      description:
        "The Control Panel's operations over HTTP. A key acts as its owner: the same roles, " +
        "validation and audit entries (with the HTTP verb as Action). Errors are " +
        "application/problem+json. PUT needs If-Match; POST honours Idempotency-Key.",
    },
    servers: [{ url: "/api/v1" }],
    security: [{ bearerKey: [] }],
    components: {
      securitySchemes: {
        bearerKey: {
          type: "http",
          scheme: "bearer",
          description: "An API key from the Control Panel's API keys page",
        },
      },
    },
    paths,
  });
}

let built: ReturnType<typeof buildDocument> | undefined;

/** The document, built once per process (it depends on the code only). */
export function openApiDocument() {
  built ??= buildDocument();
  return built;
}
