import { execFileSync } from "node:child_process";
import path from "node:path";

/**
 * A key owned by `email`, for owners /api-keys refuses (api-keys:manage is admin only): the
 * harness script (e2e/harness/issue-api-key.ts) calls the product's generateApiKey against the
 * e2e database, acting as the owner, and prints the secret once.
 */
export function issueApiKey(email: string, scope: "read" | "read_write", name: string): string {
  const root = path.resolve(__dirname, "..");
  const out = execFileSync(
    path.join(root, "node_modules", ".bin", "tsx"),
    ["--conditions=react-server", "e2e/harness/issue-api-key.ts", email, scope, name],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL },
      encoding: "utf8",
    },
  );
  const secret = out.trim().split("\n").at(-1)!;
  if (!/^tl_[0-9a-f]{8}_/.test(secret)) throw new Error(`issue-api-key printed no key: ${out}`);
  return secret;
}
