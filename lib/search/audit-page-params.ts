import { z } from "zod";
import { AUDIT_SORT_KEYS, type AuditSort } from "@/lib/audit/queries/audit-log";

/**
 * The audit page's whole state lives in its URL: this schema reads it (server) and the controls
 * write it (client). Every field falls back instead of failing, so a mangled link still opens.
 */

const list = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) =>
    (Array.isArray(v) ? v : v ? [v] : [])
      .flatMap((s) => s.split(","))
      .map((s) => s.trim())
      .filter(Boolean)
      .slice(0, 20),
  )
  .catch([]);

const text = (max: number) =>
  z
    .string()
    .max(max)
    .optional()
    .transform((v) => v ?? "")
    .catch("");

export const PAGE_SIZES = [25, 50, 100] as const;

const auditPageParamsSchema = z.object({
  q: text(500),
  sort: z.enum(AUDIT_SORT_KEYS).optional().catch(undefined),
  dir: z.enum(["asc", "desc"]).optional().catch(undefined),
  // Column filters (the funnel menus).
  action: list,
  table: list,
  user: list,
  ip: list,
  pk: list,
  from: text(32),
  to: text(32),
  cursor: text(400),
  nav: z.enum(["next", "prev"]).optional().catch(undefined),
  size: z.coerce
    .number()
    .refine((n): n is (typeof PAGE_SIZES)[number] => (PAGE_SIZES as readonly number[]).includes(n))
    .optional()
    .catch(undefined),
});

export type AuditPageParams = z.infer<typeof auditPageParamsSchema>;
export type RawSearchParams = Record<string, string | string[] | undefined>;

export function parseAuditPageParams(raw: RawSearchParams): AuditPageParams {
  return auditPageParamsSchema.parse(raw);
}

export function sortOf(params: AuditPageParams): AuditSort {
  const key = params.sort ?? "occurredAt";
  return { key, dir: params.dir ?? (key === "occurredAt" ? "desc" : "asc") };
}

export const pageSizeOf = (params: AuditPageParams) => params.size ?? 50;

/** Serialises state back into a query string, dropping defaults; `patch` changes some fields. */
export function auditPageHref(
  basePath: string,
  params: AuditPageParams,
  patch: Partial<AuditPageParams> = {},
): string {
  const next = { ...params, ...patch };
  const sp = new URLSearchParams();
  if (next.q) sp.set("q", next.q);
  if (next.sort) sp.set("sort", next.sort);
  if (next.dir) sp.set("dir", next.dir);
  for (const key of ["action", "table", "user", "ip", "pk"] as const) {
    if (next[key].length > 0) sp.set(key, next[key].join(","));
  }
  if (next.from) sp.set("from", next.from);
  if (next.to) sp.set("to", next.to);
  if (next.size) sp.set("size", String(next.size));
  if (next.cursor) sp.set("cursor", next.cursor);
  if (next.cursor && next.nav) sp.set("nav", next.nav);
  const qs = sp.toString();
  return qs ? `${basePath}?${qs}` : basePath;
}
