import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db/client";
import { auditLog, loginAttempts } from "@/db/schema";
import { authenticate, type AuthResult } from "@/lib/auth/authenticate";
import { verifyPassword } from "@/lib/auth/password";
import type * as passwordModule from "@/lib/auth/password";
import { readConfig } from "@/lib/config";
import { setUpTestDatabase } from "./db";
import { insertTestUser } from "./factories";
import { postgresBinaries, startRealPostgres, type RealPostgres } from "./real-postgres";

// A spy around the real Argon2 check (not a database mock): it counts how many attempts got as
// far as comparing a password.
vi.mock("@/lib/auth/password", async (importOriginal) => {
  const real = await importOriginal<typeof passwordModule>();
  return { ...real, verifyPassword: vi.fn(real.verifyPassword) };
});
const verified = vi.mocked(verifyPassword);

const LIMIT = readConfig().LOGIN_MAX_FAILURES_PER_EMAIL_IP;
const ATTEMPTS = 50;

/**
 * Fires 50 wrong passwords for one email from one address at once and reports how many were
 * checked, how each ended, and what was recorded.
 */
async function storm(db: Db, ip: string) {
  const user = await insertTestUser(db, { password: "correct horse battery" });
  verified.mockClear();
  const results: AuthResult[] = await Promise.all(
    Array.from({ length: ATTEMPTS }, (_, i) =>
      authenticate(
        db,
        { email: user.email, password: `wrong-${i}` },
        { ip, userAgent: "vitest", requestId: `storm-${i}` },
      ),
    ),
  );
  const rows = await db.select().from(loginAttempts).where(eq(loginAttempts.ip, ip));
  const entries = await db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, "LOGIN"), eq(auditLog.ip, ip)));
  const reasons = results.map((r) => (r.ok ? "success" : r.reason));
  return {
    user,
    checked: verified.mock.calls.length,
    invalid: reasons.filter((r) => r === "invalid").length,
    throttled: reasons.filter((r) => r === "throttled").length,
    rows,
    entries,
  };
}

function expectAtMostTheLimit(outcome: Awaited<ReturnType<typeof storm>>) {
  // Reported in the test output: the figures the acceptance criterion is about.
  console.info(
    `${ATTEMPTS} concurrent wrong passwords: ${outcome.checked} checked, ` +
      `${outcome.invalid} invalid, ${outcome.throttled} throttled (limit ${LIMIT})`,
  );
  expect(outcome.checked).toBe(LIMIT);
  expect(outcome.invalid).toBe(LIMIT);
  expect(outcome.throttled).toBe(ATTEMPTS - LIMIT);
  expect(outcome.rows).toHaveLength(ATTEMPTS);
  expect(outcome.rows.filter((r) => r.outcome === "invalid")).toHaveLength(LIMIT);
  // Every attempt, checked or not, has its failed LOGIN entry.
  expect(outcome.entries).toHaveLength(ATTEMPTS);
  expect(outcome.entries.every((e) => e.message.startsWith("Failed sign-in"))).toBe(true);
}

describe("sign-in throttling under concurrency (PGlite)", () => {
  const database = setUpTestDatabase();

  it("50 concurrent wrong passwords for one email and IP: no more than the limit are checked", async () => {
    expectAtMostTheLimit(await storm(database.db, "203.0.113.50"));
  });

  it("the right password after the storm is throttled too, without being checked", async () => {
    const ip = "203.0.113.51";
    const { user } = await storm(database.db, ip);
    verified.mockClear();
    const result = await authenticate(
      database.db,
      { email: user.email, password: "correct horse battery" },
      { ip, userAgent: "vitest", requestId: "after-storm" },
    );
    expect(result).toMatchObject({ ok: false, reason: "throttled" });
    expect(verified).not.toHaveBeenCalled();
  });
});

describe.skipIf(!postgresBinaries)(
  "sign-in throttling under concurrency (real Postgres)",
  { timeout: 120_000 },
  () => {
    let server: RealPostgres;
    beforeAll(async () => {
      server = await startRealPostgres("throttle");
    }, 120_000);
    afterAll(() => server?.stop(), 60_000);

    it("50 concurrent wrong passwords for one email and IP: no more than the limit are checked", async () => {
      expectAtMostTheLimit(await storm(server.database.db, "203.0.113.60"));
    });

    it("a success among concurrent failures is recorded as a success, and resets the pair", async () => {
      const ip = "203.0.113.61";
      const user = await insertTestUser(server.database.db, { password: "correct horse battery" });
      const req = (i: number) => ({ ip, userAgent: "vitest", requestId: `mixed-${i}` });
      const results = await Promise.all([
        authenticate(server.database.db, { email: user.email, password: "wrong" }, req(0)),
        authenticate(
          server.database.db,
          { email: user.email, password: "correct horse battery" },
          req(1),
        ),
        authenticate(server.database.db, { email: user.email, password: "wrong" }, req(2)),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const rows = await server.database.db
        .select()
        .from(loginAttempts)
        .where(eq(loginAttempts.ip, ip));
      expect(rows.map((r) => r.outcome).sort()).toEqual(["invalid", "invalid", "success"]);
    });
  },
);
