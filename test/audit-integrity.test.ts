import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { desc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditChain, auditLog, auditVerifications } from "@/db/schema";
import { sealAndCheckpoint } from "@/lib/audit/chain/verification";
import { loadIntegrityStatus } from "@/lib/audit-integrity/status";
import { checkpointTargets } from "@/lib/audit-integrity/targets";
import { verifyAuditLogOperation } from "@/lib/audit-integrity/verify-operation";
import type { CurrentUser } from "@/lib/auth/session";
import { setUpTestDatabase } from "./db";
import { insertTestAccount, insertTestUser } from "./factories";
import { insertTestPortalUser } from "./portal-support";
import { asCurrent, runAs } from "./run-action";

/**
 * "Verify now" on the Control Panel's integrity page: audit:verify only, the run stored and
 * itself audited, nothing sealed by it, and a tampered entry named in what the page shows.
 */

const folder = mkdtempSync(path.join(tmpdir(), "trunkline-integrity-"));
const previousFile = process.env.AUDIT_CHECKPOINT_FILE;
// This file's own checkpoints: never a developer's .data/ file from another database.
process.env.AUDIT_CHECKPOINT_FILE = path.join(folder, "checkpoints.jsonl");
afterAll(() => {
  if (previousFile === undefined) delete process.env.AUDIT_CHECKPOINT_FILE;
  else process.env.AUDIT_CHECKPOINT_FILE = previousFile;
  rmSync(folder, { recursive: true, force: true });
});

const database = setUpTestDatabase();

const counts = async () => ({
  verifications: await database.db.$count(auditVerifications),
  audit: await database.db.$count(auditLog),
  chain: await database.db.$count(auditChain),
});

let as: Record<"admin" | "auditor" | "support" | "branding" | "customer", CurrentUser>;
beforeAll(async () => {
  const account = await insertTestAccount(database.db, "customer");
  const staff = async (role: "admin" | "auditor" | "support" | "branding") =>
    asCurrent(await insertTestUser(database.db, { role }));
  as = {
    admin: await staff("admin"),
    auditor: await staff("auditor"),
    support: await staff("support"),
    branding: await staff("branding"),
    customer: asCurrent(await insertTestPortalUser(database.db, account, { admin: true })),
  };
});

describe("verify now", () => {
  it.each(["support", "branding", "customer"] as const)(
    "refuses %s and records nothing",
    async (role) => {
      const before = await counts();
      expect(await runAs(database.db, verifyAuditLogOperation, as[role], {})).toEqual({
        status: "error",
        error: "Your role does not allow this action.",
      });
      expect(await counts()).toEqual(before);
    },
  );

  it("refuses a caller without a session", async () => {
    const before = await counts();
    expect(await runAs(database.db, verifyAuditLogOperation, null, {})).toMatchObject({
      status: "error",
      error: "Your session has ended. Sign in again.",
    });
    expect(await counts()).toEqual(before);
  });

  it.each(["admin", "auditor"] as const)(
    "runs for %s: the result is stored and audited, and nothing is sealed by it",
    async (role) => {
      const sealed = await sealAndCheckpoint(database.db, checkpointTargets(), { always: true });
      // Written after the seal: the run must count it as unsealed, not seal it.
      await insertTestUser(database.db, { role: "support" });
      const before = await counts();

      const result = await runAs(database.db, verifyAuditLogOperation, as[role], {});

      const stored = await database.db
        .select()
        .from(auditVerifications)
        .orderBy(desc(auditVerifications.id))
        .limit(1);
      expect(result).toEqual({
        status: "ok",
        data: {
          verificationId: stored[0]!.id,
          ok: true,
          checkedEntries: sealed.head.entryId,
          unsealedEntries: 1,
          problemCount: 0,
        },
        message: `Verified the audit log: ${sealed.head.entryId.toLocaleString("en-US")} sealed entries intact`,
      });
      expect(stored[0]).toMatchObject({
        ok: true,
        requestedBy: as[role].name,
        checkedEntries: sealed.head.entryId,
        unsealedEntries: 1,
        sealedHeadId: sealed.head.entryId,
        checkpointLastId: sealed.head.entryId,
        problems: [],
      });
      const after = await counts();
      expect(after).toEqual({
        verifications: before.verifications + 1,
        audit: before.audit + 1,
        chain: before.chain,
      });
      const [entry] = await database.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
      expect(entry).toMatchObject({
        action: "GENERATE",
        tableName: "audit_log",
        actorUserId: as[role].id,
        actorLabel: as[role].name,
        message: result.status === "ok" ? result.message : "",
        after: { verification: stored[0]!.id, ok: true, problems: 0 },
      });

      const status = await loadIntegrityStatus(database.db);
      expect(status).toMatchObject({
        last: { id: stored[0]!.id, ok: true, problems: [], requestedBy: as[role].name },
        checkpoint: { lastId: sealed.head.entryId },
        invalidCheckpointLines: 0,
        postsCheckpoints: false,
      });
    },
  );

  it("names an entry changed after it was sealed, and the page's status lists it", async () => {
    const target = await insertTestUser(database.db, { role: "support" });
    await sealAndCheckpoint(database.db, checkpointTargets(), { always: true });
    const [entry] = await database.db
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(sql`${auditLog.tableName} = 'users' and ${auditLog.recordPk} = ${String(target.id)}`);
    // As a superuser who switches the append-only guard off.
    await database.client.exec("set session_replication_role = replica");
    try {
      await database.db
        .update(auditLog)
        .set({ message: "Nothing happened here" })
        .where(eq(auditLog.id, entry!.id));
    } finally {
      await database.client.exec("set session_replication_role = default");
    }

    const result = await runAs(database.db, verifyAuditLogOperation, as.auditor, {});
    expect(result).toMatchObject({
      status: "ok",
      data: { ok: false, problemCount: 1 },
      message: expect.stringMatching(
        /^Verified the audit log: 1 problem in [\d,]+ sealed entries$/,
      ),
    });
    const status = await loadIntegrityStatus(database.db);
    expect(status.last).toMatchObject({
      ok: false,
      problems: [
        {
          kind: "changed",
          entryId: entry!.id,
          detail: `entry ${entry!.id} differs from what was sealed`,
        },
      ],
    });
  });
});
