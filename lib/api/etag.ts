/**
 * Entity tags from record versions: `"v<version>"`. A PUT must send the tag of the version it
 * edits in `If-Match`; the version then goes to the operation as the form's hidden field would,
 * so a stale tag is refused by the same optimistic lock as a stale form.
 */

export const etagOf = (version: number) => `"v${version}"`;

export type IfMatch =
  { kind: "missing" } | { kind: "invalid" } | { kind: "version"; version: number };

/** One strong tag of ours (weak tags never match a PUT: RFC 9110 compares If-Match strongly). */
export function parseIfMatch(header: string | null): IfMatch {
  if (header === null || header.trim() === "") return { kind: "missing" };
  const match = /^"v([1-9]\d{0,9})"$/.exec(header.trim());
  if (!match) return { kind: "invalid" };
  const version = Number(match[1]);
  return version <= 2_147_483_647 ? { kind: "version", version } : { kind: "invalid" };
}
