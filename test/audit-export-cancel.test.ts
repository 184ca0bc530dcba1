import { beforeAll, describe, expect, it, vi } from "vitest";
import { and, eq, gt, sql } from "drizzle-orm";
import type * as DbClient from "@/db/client";
import { auditLog } from "@/db/schema";
import { systemActor } from "@/lib/audit/actor";
import { recordAuditEvent } from "@/lib/audit/core";
import { auditExportResponse } from "@/lib/audit-http/export-response";
import { actorForUser } from "@/lib/auth/actor-for-user";
import type { CurrentUser } from "@/lib/auth/session";
import { auditViewerPolicy } from "@/lib/visibility/viewer-policy";
import { setUpTestDatabase } from "./db";
import { insertTestUser } from "./factories";
import { recordCounter } from "@/lib/http/record-counter";
import { REQUEST, asCurrent } from "./run-action";

/**
 * What an audit-log export records, by how it ends: read to the end, one GENERATE entry with the
 * rows written; cancelled by the client after a page, one entry saying so with the rows already
 * written; refused, none. The body is driven here as Next drives it (a reader, then cancel).
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

// More than one export page (1,000 rows), so a client can cancel between pages.
const ENTRIES = 1_250;
let admin: CurrentUser;
let support: CurrentUser;

beforeAll(async () => {
  admin = asCurrent(await insertTestUser(database.db, { role: "admin" }));
  support = asCurrent(await insertTestUser(database.db, { role: "support" }));
  for (let i = 0; i < ENTRIES; i++) {
    await recordAuditEvent(database.db, systemActor("seed"), {
      action: "UPDATE",
      tableName: "accounts",
      accountId: null,
      recordPk: String(i),
      message: i % 2 ? `line one\nline two of ${i}` : `entry ${i}`,
    });
  }
}, 120_000);

async function generateEntriesAfter(id: number) {
  return database.db
    .select({ message: auditLog.message, actorId: auditLog.actorUserId })
    .from(auditLog)
    .where(and(gt(auditLog.id, id), eq(auditLog.action, "GENERATE")));
}

async function lastId(): Promise<number> {
  const [row] = await database.db
    .select({ id: sql<number>`max(${auditLog.id})::int` })
    .from(auditLog);
  return row?.id ?? 0;
}

const exportOf = (query: string) =>
  auditExportResponse(new Request(`http://localhost/audit-log/export?${query}`), "staff");

/** Until the first GENERATE entry after `id` (the cancel path records without being awaited). */
async function settledEntries(id: number) {
  await vi.waitFor(async () => expect(await generateEntriesAfter(id)).toHaveLength(1));
  return generateEntriesAfter(id);
}

describe("the audit-log export's GENERATE entry", () => {
  it("is written when the export ends, with the rows it wrote", async () => {
    viewer.user = admin;
    const before = await lastId();
    const res = await exportOf("format=csv&action=UPDATE");
    expect(res.status).toBe(200);
    // Nothing recorded until the body has been read to the end.
    expect(await generateEntriesAfter(before)).toEqual([]);
    const counter = recordCounter("csv");
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      counter.add(value);
    }
    expect(counter.end()).toBe(ENTRIES);
    expect(await generateEntriesAfter(before)).toEqual([
      {
        message: `Generated CSV export of the audit log (narrowed by Action): 1,250 rows`,
        actorId: admin.id,
      },
    ]);
  });

  it("says it was cancelled, and after how many rows, when the client cancels mid-export", async () => {
    viewer.user = admin;
    const before = await lastId();
    const res = await exportOf("format=ndjson&action=UPDATE");
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    const counter = recordCounter("ndjson");
    expect(counter.add(first.value!)).toBe(1_000);
    await reader.cancel();
    expect(await settledEntries(before)).toEqual([
      {
        message: "Cancelled NDJSON export of the audit log (narrowed by Action) after 1,000 rows",
        actorId: admin.id,
      },
    ]);
  });

  it("records the cancel when the request is aborted, once even if the body is cancelled too", async () => {
    viewer.user = admin;
    const before = await lastId();
    const client = new AbortController();
    const res = await auditExportResponse(
      new Request("http://localhost/audit-log/export?format=csv", { signal: client.signal }),
      "staff",
    );
    const reader = res.body!.getReader();
    await reader.read();
    client.abort();
    await reader.cancel();
    const [entry] = await settledEntries(before);
    expect(entry?.message).toMatch(/^Cancelled CSV export of the audit log after [\d,]+ rows$/);
  });

  it("is not written for a refused export", async () => {
    const before = await lastId();
    viewer.user = support;
    const refused = await exportOf("format=csv");
    expect(refused.status).toBe(403);
    viewer.user = admin;
    const bad = await exportOf("format=xml");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ detail: 'format must be "csv" or "ndjson".' });
    expect(await lastId()).toBe(before);
  });
});
