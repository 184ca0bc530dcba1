import { z } from "zod";

/**
 * The compare form's URL state (?from=<version id>&to=<version id>). A malformed value is kept
 * as an error for the page to explain rather than silently replaced by the default.
 */

const first = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (Array.isArray(v) ? v[0] : v))
  .catch(undefined);

const compareParamsSchema = z.object({ from: first, to: first });

export type VersionRef =
  { kind: "default" } | { kind: "id"; id: number; raw: string } | { kind: "invalid"; raw: string };

function refOf(raw: string | undefined): VersionRef {
  const text = raw?.trim();
  if (!text) return { kind: "default" };
  return /^\d{1,15}$/.test(text) && Number(text) > 0
    ? { kind: "id", id: Number(text), raw: text }
    : { kind: "invalid", raw: text };
}

export function compareParams(raw: Record<string, string | string[] | undefined>): {
  from: VersionRef;
  to: VersionRef;
} {
  const parsed = compareParamsSchema.parse(raw);
  return { from: refOf(parsed.from), to: refOf(parsed.to) };
}
