import { STATUS_CODES } from "node:http";

/**
 * RFC 9457 problem documents: every refusal the REST API and the export routes answer with.
 * `type` stays "about:blank", so the title is the status's own phrase and `detail` says what
 * went wrong in words a person can act on.
 */

export type ProblemInit = {
  status: number;
  detail: string;
  /** Field errors of a 422: field path → messages, as the forms show them. */
  errors?: Record<string, string[]>;
  headers?: HeadersInit;
  /** Overrides the status phrase (the export routes say "Export refused"). */
  title?: string;
  /**
   * RFC 9457 extension members (e.g. a CDR batch's `badRows`); they never replace the standard
   * members or `errors`.
   */
  extensions?: Record<string, unknown>;
};

const STANDARD_MEMBERS = new Set(["type", "title", "status", "detail", "instance", "errors"]);

export function problem({
  status,
  detail,
  errors,
  headers,
  title,
  extensions,
}: ProblemInit): Response {
  const extra = Object.entries(extensions ?? {}).filter(([k]) => !STANDARD_MEMBERS.has(k));
  const body = {
    ...Object.fromEntries(extra),
    type: "about:blank",
    title: title ?? STATUS_CODES[status] ?? "Error",
    status,
    detail,
    ...(errors ? { errors } : {}),
  };
  const out = new Headers(headers);
  out.set("content-type", "application/problem+json");
  out.set("cache-control", "no-store");
  return new Response(JSON.stringify(body), { status, headers: out });
}
