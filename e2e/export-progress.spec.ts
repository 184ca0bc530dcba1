import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import postgres from "postgres";
import { auditDbForSpec } from "./audit-db";
import { signInAs } from "./fixtures";
import { recordCounter } from "@/lib/http/record-counter";

/**
 * Export progress and cancel, against the built app and a real Postgres. The export reads the
 * audit log 1,000 rows a page (the seed holds several pages). To stop it after exactly one page,
 * without timing: the spec holds an ACCESS EXCLUSIVE lock on audit_log, so the export's first
 * page query waits; a second lock is queued behind that query, then the first released. Postgres
 * grants in queue order, so page 1 runs and page 2 waits behind the second lock for as long as
 * the spec holds it.
 */

const db = auditDbForSpec();
const url = process.env.E2E_DATABASE_URL;

/** A transaction holding an ACCESS EXCLUSIVE lock on audit_log until release() is called. */
async function lockAuditLog() {
  const sql = postgres(url!, { max: 1, onnotice: () => {} });
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let requested!: () => void;
  const onRequested = new Promise<void>((resolve) => (requested = resolve));
  const [me] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
  const pid = me!.pid;
  const done = sql
    .begin(async (tx) => {
      const lock = tx`lock table audit_log in access exclusive mode`.execute();
      requested();
      await lock;
      await released;
    })
    .finally(() => sql.end({ timeout: 5 }));
  await onRequested;
  return {
    pid,
    release: async () => {
      release();
      await done;
    },
  };
}

/** Waits until the export's page query (it selects before/after) waits on a lock. */
async function exportQueryWaiting() {
  await expect
    .poll(async () => {
      const [row] = await db.sql<{ n: number }[]>`
        select count(*)::int as n from pg_stat_activity
        where wait_event_type = 'Lock' and query ilike '%"before"%' and query ilike '%limit%'`;
      return row!.n;
    })
    .toBe(1);
}

/** Whether `pid` waits for a lock on audit_log (queued, not granted). */
async function waiting(pid: number): Promise<boolean> {
  const [row] = await db.sql<{ n: number }[]>`
    select count(*)::int as n from pg_locks
    where pid = ${pid} and relation = 'audit_log'::regclass and not granted`;
  return row!.n > 0;
}

/** Starts an export from the button named `name` and holds it after its first page. */
async function exportHeldAfterFirstPage(page: Page, name: string) {
  const first = await lockAuditLog();
  await page.getByRole("link", { name }).click();
  await exportQueryWaiting();
  const second = await lockAuditLog();
  await expect.poll(() => waiting(second.pid)).toBe(true);
  await first.release();
  return second;
}

const status = (page: Page) => page.getByTestId("export-csv").getByRole("status");

async function generateEntry(userEmail: string, afterId: number) {
  const rows = await db.sql<{ id: string; message: string }[]>`
    select a.id::text, a.message from audit_log a join users u on u.id = a.actor_user_id
    where a.action = 'GENERATE' and a.table_name = 'audit_log' and u.email = ${userEmail}
      and a.id > ${afterId}
    order by a.id`;
  return rows;
}

async function lastAuditId(): Promise<number> {
  const [row] = await db.sql<
    { id: string }[]
  >`select coalesce(max(id), 0)::text as id from audit_log`;
  return Number(row!.id);
}

test.describe.configure({ mode: "serial" });

test("[auditor] Export CSV shows the rows written, then saves the file with that many rows", async ({
  page,
}) => {
  const before = await lastAuditId();
  await signInAs(page, "auditor");
  await page.goto("/audit-log");
  const downloadPromise = page.waitForEvent("download");
  const held = await exportHeldAfterFirstPage(page, "Export CSV");
  await expect(status(page)).toHaveText("1,000 rows written…");
  await expect(page.getByRole("button", { name: "Cancel export" })).toBeVisible();
  await held.release();

  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/^audit-log-\d{12}\.csv$/);
  const counter = recordCounter("csv");
  counter.add(readFileSync(await download.path()));
  const rows = counter.end();
  expect(rows).toBeGreaterThan(1_000);
  await expect(status(page)).toHaveText(
    `Export complete: ${rows.toLocaleString("en")} rows saved to ${download.suggestedFilename()}.`,
  );
  await expect(page.getByRole("button", { name: "Cancel export" })).toHaveCount(0);
  await expect
    .poll(async () => (await generateEntry("auditor@example.com", before)).map((e) => e.message))
    .toEqual([`Generated CSV export of the audit log: ${rows.toLocaleString("en")} rows`]);
});

test("[admin] Cancel stops the export: nothing saved, and the entry says it was cancelled", async ({
  page,
}) => {
  const before = await lastAuditId();
  await signInAs(page, "admin");
  await page.goto("/audit-log");
  let downloads = 0;
  page.on("download", () => (downloads += 1));
  const held = await exportHeldAfterFirstPage(page, "Export CSV");
  try {
    await expect(status(page)).toHaveText("1,000 rows written…");
    await page.getByRole("button", { name: "Cancel export" }).click();
    await expect(status(page)).toHaveText("Export cancelled after 1,000 rows; nothing was saved.");
  } finally {
    await held.release();
  }
  // The server saw the client go: its entry says so, with the rows it had written.
  await expect
    .poll(async () => (await generateEntry("admin@example.com", before)).map((e) => e.message))
    .toEqual(["Cancelled CSV export of the audit log after 1,000 rows"]);
  const [entry] = await generateEntry("admin@example.com", before);
  await page.goto("/audit-log?action=GENERATE");
  await expect(page.locator(`[data-entry-id="${entry!.id}"]`).first()).toBeVisible();
  expect(downloads).toBe(0);
});

test("[auditor] a refused export says why (the problem document's detail), and saves nothing", async ({
  page,
}) => {
  await signInAs(page, "auditor");
  await page.goto("/audit-log");
  let downloads = 0;
  page.on("download", () => (downloads += 1));
  // The link the page drew, asking for a format the server refuses (400, a problem document).
  await page
    .getByRole("link", { name: "Export CSV" })
    .evaluate((a: HTMLAnchorElement) => (a.href = a.href.replace("format=csv", "format=xml")));
  await page.getByRole("link", { name: "Export CSV" }).click();
  await expect(status(page)).toHaveText('Export failed: format must be "csv" or "ndjson".');
  expect(downloads).toBe(0);
});
