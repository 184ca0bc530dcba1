import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { format, resolveConfig } from "prettier";

/**
 * bench/RESULTS.md is written by several measurements, each owning one section between
 * `<!-- name: written by … -->` and `<!-- /name -->`: a run replaces its own section and keeps
 * every other one as it was.
 */

export const RESULTS_FILE = path.join(process.cwd(), "bench", "RESULTS.md");

const SECTION = /<!-- ([a-z][a-z0-9-]*): written by [^>]*-->[\s\S]*?<!-- \/\1 -->/g;

function sectionsOf(text: string): Map<string, string> {
  return new Map([...text.matchAll(SECTION)].map((m) => [m[1]!, m[0]]));
}

/** `text` with the named section replaced by `section` (which carries its markers), or appended. */
export function withSection(text: string, name: string, section: string): string {
  const current = sectionsOf(text).get(name);
  if (current) return text.replace(current, () => section);
  return `${text.trimEnd()}\n\n${section}\n`;
}

/** `text` plus every section of `previous` it lacks (a rewrite of the file loses none). */
export function keepSections(text: string, previous: string): string {
  const present = sectionsOf(text);
  let result = text;
  for (const [name, section] of sectionsOf(previous)) {
    if (!present.has(name)) result = withSection(result, name, section);
  }
  return result;
}

export function sectionMarkers(name: string, writer: string): { start: string; end: string } {
  return { start: `<!-- ${name}: written by ${writer} -->`, end: `<!-- /${name} -->` };
}

/** Replaces one section of bench/RESULTS.md, formatted like every other file of the repository. */
export async function writeResultsSection(name: string, writer: string, body: string) {
  const { start, end } = sectionMarkers(name, writer);
  const previous = existsSync(RESULTS_FILE) ? readFileSync(RESULTS_FILE, "utf8") : "";
  const text = withSection(previous, name, `${start}\n\n${body.trim()}\n\n${end}`);
  const style = await resolveConfig(RESULTS_FILE);
  writeFileSync(RESULTS_FILE, await format(text, { ...style, filepath: RESULTS_FILE }));
}
