import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/** Inputs of `next build`: when none changed since the last build, `npm start` reuses it. */
const INPUTS = [
  "app",
  "components",
  "lib",
  "db",
  "types",
  "proxy.ts",
  "next.config.ts",
  "postcss.config.mjs",
  "tsconfig.json",
  "package-lock.json",
];

function walk(file: string, out: string[]) {
  if (!existsSync(file)) return;
  const stat = statSync(file);
  if (stat.isDirectory()) {
    for (const entry of readdirSync(file).sort()) walk(path.join(file, entry), out);
  } else {
    out.push(`${file}:${stat.size}:${Math.trunc(stat.mtimeMs)}`);
  }
}

export function sourceFingerprint(root: string): string {
  const files: string[] = [];
  for (const input of INPUTS) walk(path.join(root, input), files);
  return createHash("sha256").update(files.join("\n")).digest("hex");
}

const stampFile = (root: string) => path.join(root, ".next", "trunkline-source.sha256");

export function buildIsCurrent(root: string): boolean {
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) return false;
  try {
    return readFileSync(stampFile(root), "utf8").trim() === sourceFingerprint(root);
  } catch {
    return false;
  }
}

export { stampFile };
