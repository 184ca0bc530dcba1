import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { format, resolveConfig } from "prettier";

const RESULTS_FILE = path.join(process.cwd(), "bench", "RESULTS.md");
const START = "<!-- retention: written by npm run bench:retention (bench/retention.ts) -->";
const END = "<!-- /retention -->";

/** `next` with the retention section of `previous` kept (bench/run.ts rewrites the rest). */
export function keepRetentionSection(previous: string, next: string): string {
  const start = previous.indexOf(START);
  const end = previous.indexOf(END);
  if (start === -1 || end === -1 || next.includes(START)) return next;
  return `${next.trimEnd()}\n\n${previous.slice(start, end + END.length)}\n`;
}

export async function writeRetentionSection(markdown: string): Promise<void> {
  const previous = existsSync(RESULTS_FILE) ? readFileSync(RESULTS_FILE, "utf8") : "";
  const section = `${START}\n\n${markdown}\n\n${END}`;
  const start = previous.indexOf(START);
  const end = previous.indexOf(END);
  const text =
    start !== -1 && end !== -1
      ? previous.slice(0, start) + section + previous.slice(end + END.length)
      : `${previous.trimEnd()}\n\n${section}\n`;
  const style = await resolveConfig(RESULTS_FILE);
  writeFileSync(RESULTS_FILE, await format(text, { ...style, filepath: RESULTS_FILE }));
  console.log(`Wrote the retention figures to ${path.relative(process.cwd(), RESULTS_FILE)}.`);
}
