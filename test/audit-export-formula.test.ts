import { beforeAll, describe, expect, it, vi } from "vitest";
import type * as DbClient from "@/db/client";
import { systemActor } from "@/lib/audit/actor";
import { recordAuditEvent } from "@/lib/audit/core";
import { auditExportResponse } from "@/lib/audit-http/export-response";
import { actorForUser } from "@/lib/auth/actor-for-user";
import type { CurrentUser } from "@/lib/auth/session";
import { auditViewerPolicy } from "@/lib/visibility/viewer-policy";
import { setUpTestDatabase } from "./db";
import { insertTestAccount, insertTestUser } from "./factories";
import { FORMULAS, liveFormulas, parseCsv } from "./csv";
import { REQUEST, asCurrent } from "./run-action";

/**
 * The audit-log export run in-process as an admin, over entries whose cells start with what a
 * spreadsheet would run as a formula (an account's name, an actor's label, a message, a primary
 * key): every such cell comes out prefixed with a quote. The CDR and breakout exports have the
 * same check in test/export-formula.test.ts.
 */

const database = setUpTestDatabase();
const viewer: { user: CurrentUser | null } = { user: null };

vi.mock("@/db/client", async (importOriginal) => ({
  ...(await importOriginal<typeof DbClient>()),
  getDb: async () => database.db,
}));
vi.mock("@/lib/visibility/current-policy", () => ({
  loadAuditViewer: async () => ({
    user: viewer.user,
    policy: viewer.user ? await auditViewerPolicy(database.db, viewer.user) : null,
  }),
}));
vi.mock("@/lib/auth/session", () => ({
  actorFor: async (user: CurrentUser) => actorForUser(user, REQUEST),
}));

const [HYPERLINK] = FORMULAS as [string];
const HOSTILE = FORMULAS;

beforeAll(async () => {
  const admin = await insertTestUser(database.db, { role: "admin" });
  viewer.user = asCurrent(admin);
  const { id: accountId } = await insertTestAccount(database.db, "customer", HYPERLINK);
  for (const value of HOSTILE) {
    await recordAuditEvent(database.db, systemActor(value), {
      action: "GENERATE",
      tableName: "accounts",
      accountId,
      recordPk: value,
      message: value,
    });
  }
});

describe("the audit-log CSV export", () => {
  it("prefixes every cell a spreadsheet would run as a formula with a quote", async () => {
    const res = await auditExportResponse(
      new Request("http://localhost/audit-log/export?format=csv"),
      "staff",
    );
    expect(res.status).toBe(200);
    const [header, ...rows] = parseCsv(await res.text());
    expect(header).toContain("Message");
    const cells = rows.flat();
    for (const value of HOSTILE) {
      expect(cells, JSON.stringify(value)).toContain(`'${value}`);
    }
    // User, Primary Key and Message of each entry above: three quoted cells per hostile value.
    for (const value of HOSTILE) {
      expect(cells.filter((c) => c === `'${value}`).length, JSON.stringify(value)).toBe(3);
    }
    expect(liveFormulas(cells)).toEqual([]);
  });
});
