import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DatabaseUnavailableError, openDatabase, openPglite, openPostgres } from "@/db/client";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A port nothing listens on: bind one, then close it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("openDatabase", () => {
  it("fails fast with a clear message when DATABASE_URL is unreachable", async () => {
    const port = await closedPort();
    const started = Date.now();
    const err = await openPostgres(`postgres://u:p@127.0.0.1:${port}/trunkline`).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DatabaseUnavailableError);
    expect((err as Error).message).toBe(
      `Cannot reach the database at 127.0.0.1:${port}/trunkline: ECONNREFUSED.`,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("rejects a DATABASE_URL that is not a URL", async () => {
    await expect(
      openDatabase({ ...process.env, DATABASE_URL: "db.internal:5432" }),
    ).rejects.toThrow("DATABASE_URL is not a valid postgres:// URL.");
  });

  it("refuses a second open of the same PGlite folder instead of corrupting it", async () => {
    // The folder inside a temp root, so its lock file beside it is removed with it.
    const root = mkdtempSync(path.join(tmpdir(), "trunkline-lock-"));
    dirs.push(root);
    const dir = path.join(root, "pglite");
    const first = await openPglite(dir);
    try {
      // The lock is per open file, so even this same process is refused, and told who holds it.
      await expect(openPglite(dir)).rejects.toThrow(
        `The embedded database in ${path.resolve(dir)} is in use by process ${process.pid} `,
      );
    } finally {
      await first.close();
    }
    // Released on close: the folder can be opened again.
    const again = await openPglite(dir);
    await again.close();
  });
});
