import { z } from "zod";
import { recordAuditEvent } from "@/lib/audit/core";
import { problem } from "@/lib/http/problem";
import type { ApiContext } from "../endpoint";

/** A numeric record id in the path; anything else names no record (404). */
export const idParams = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 53 - 1),
});

/** A page of a list: the rows and the cursor of the next page (null on the last). */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), nextCursor: z.string().nullable() });

export const notFoundProblem = () => problem({ status: 404, detail: "No such record." });

/** The `cursor` query parameter of a keyset list: the nextCursor of the page before. */
export const cursorParam = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 53 - 1)
  .optional()
  .describe("nextCursor of the last page");

/** A keyset page of a query (`nextAfter`: the last id, null on the last page) as the API's page. */
export const pageBody = <R, T>(
  page: { rows: R[]; nextAfter: number | null },
  pick: (row: R) => T,
) => ({
  data: page.rows.map(pick),
  nextCursor: page.nextAfter === null ? null : String(page.nextAfter),
});

/** A short list answered whole (no cursor): an account's ingress routes. */
export const listOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item) });

/** A query the caller may not run (a hidden column, a bad range): 400, the reason in words. */
export const queryProblem = (detail: string) => problem({ status: 400, detail });

/**
 * The query parameters a page's parser could not read. The pages fall back on a malformed value
 * (a mangled link still opens); the API says which parameter it could not read rather than
 * answering another query than the one asked.
 */
export function unreadParams(
  raw: Record<string, unknown>,
  parsed: Record<string, unknown>,
): Response | null {
  const given = (v: unknown) =>
    typeof v === "string" ? v.trim() !== "" : Array.isArray(v) ? v.length > 0 : v !== undefined;
  const unread = Object.keys(raw).filter((k) => given(raw[k]) && !given(parsed[k]));
  if (unread.length === 0) return null;
  return problem({
    status: 400,
    detail: "Check the query parameters.",
    errors: Object.fromEntries(unread.map((k) => [k, ["is not a value this parameter takes"]])),
  });
}

/**
 * The GET entry's message of a bulk read: how many rows, and what shaped the read by name only
 * ("narrowed by text, Table"), never a value, so every staff member may read it.
 */
export function bulkReadMessage(
  count: number,
  [one, many]: [string, string],
  shape: readonly string[],
): string {
  const qualifiers = shape.filter(Boolean);
  return (
    `Read ${count.toLocaleString("en-US")} ${count === 1 ? one : many} through the API` +
    (qualifiers.length > 0 ? ` (${qualifiers.join(", ")})` : "")
  );
}

/**
 * Writes the GET entry of a bulk read. `accountId`: the portal scope the read was limited to, so
 * the account's own users see it in their log.
 */
export async function recordBulkRead(
  ctx: ApiContext,
  read: {
    tableName: "audit_log" | "cdrs";
    accountId: number | null;
    count: number;
    noun: [string, string];
    shape: readonly string[];
  },
): Promise<void> {
  await recordAuditEvent(ctx.db, ctx.actor, {
    action: "GET",
    tableName: read.tableName,
    accountId: read.accountId,
    message: bulkReadMessage(read.count, read.noun, read.shape),
  });
}

/** "narrowed by a, b" when anything narrowed the read, for `recordBulkRead`'s shape. */
export const narrowedByShape = (names: readonly string[]) =>
  names.length > 0 ? [`narrowed by ${names.join(", ")}`] : [];
