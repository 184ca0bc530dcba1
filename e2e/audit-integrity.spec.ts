import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { auditDbForSpec } from "./audit-db";
import { expectNoAxeViolations } from "./axe";
import { DEMO, signInAs } from "./fixtures";

/**
 * The Control Panel's integrity page (issue 14 item 2): the auditor verifies the audit log and
 * sees it intact; an entry changed in SQL by a superuser is then named, and only admin and
 * auditor are offered the page at all.
 */

const db = auditDbForSpec();
const PAGE = "/audit-log/integrity";

/** Seals everything settled now and writes a checkpoint, through the product's own sealer. */
function sealNow(): { sealed: number; head: { entryId: number }; busy: boolean } {
  const root = path.resolve(__dirname, "..");
  const out = execFileSync(
    path.join(root, "node_modules", ".bin", "tsx"),
    ["--conditions=react-server", "e2e/harness/seal-audit.ts"],
    {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: process.env.E2E_DATABASE_URL,
        AUDIT_CHECKPOINT_FILE: process.env.E2E_AUDIT_CHECKPOINT_FILE,
      },
      encoding: "utf8",
    },
  );
  return JSON.parse(out.trim().split("\n").at(-1)!) as ReturnType<typeof sealNow>;
}

/** Seals until the chain reaches entry `id` (the app server's own sealer may hold the lock). */
async function sealThrough(id: number) {
  await expect
    .poll(() => sealNow().head.entryId, { message: `chain sealed through entry ${id}` })
    .toBeGreaterThanOrEqual(id);
}

async function verifyNow(page: Page) {
  const button = page.getByRole("button", { name: "Verify now" });
  await button.click();
  const result = page.getByTestId("verify-result");
  await expect(result).toBeVisible();
  return result;
}

test("[auditor] verifies the audit log, then a changed entry is named", async ({ page }) => {
  const sql = db.sql;
  const [last] = await sql<{ id: string }[]>`select max(id)::text as id from audit_log`;
  const max = Number(last!.id);
  const [auditor] = await sql<{ name: string }[]>`
    select name from users where email = ${DEMO.auditor.email}`;
  await sealThrough(max);

  await signInAs(page, "auditor");
  await page
    .getByTestId("control-panel-nav")
    .getByRole("link", { name: "Audit integrity" })
    .click();
  await expect(page).toHaveURL(PAGE);
  await expect(page.getByRole("heading", { level: 1, name: "Audit log integrity" })).toBeVisible();
  // The newest line of the server's checkpoint file (the server may have written one since).
  const lines = readFileSync(process.env.E2E_AUDIT_CHECKPOINT_FILE!, "utf8").trim().split("\n");
  const latest = JSON.parse(lines.at(-1)!) as { lastId: number };
  expect(latest.lastId).toBeGreaterThanOrEqual(max);
  await expect(page.getByTestId("latest-checkpoint")).toContainText(
    `Last entry${latest.lastId.toLocaleString("en-US")}`,
  );
  await expectNoAxeViolations(page);

  const result = await verifyNow(page);
  await expect(result).toHaveText(/^Verified the audit log: [\d,]+ sealed entries intact$/);
  const [run] = await sql<{ checked: number; by: string; ok: boolean; problems: unknown[] }[]>`
    select checked_entries as checked, requested_by as by, ok, problems
    from audit_verifications order by id desc limit 1`;
  expect(run).toMatchObject({ ok: true, by: auditor!.name, problems: [] });
  const checked = run!.checked.toLocaleString("en-US");
  await expect(result).toHaveText(`Verified the audit log: ${checked} sealed entries intact`);
  await expect(page.getByTestId("verification-outcome")).toHaveText(
    `The audit log is intact: ${checked} sealed entries verified.`,
  );

  // The run is itself an entry: a GENERATE on audit_log, the auditor's, saying what was found.
  const [entry] = await sql<{ id: string; message: string; label: string; after: unknown }[]>`
    select a.id::text, a.message, a.actor_label as label, a.after from audit_log a
    where a.action = 'GENERATE' and a.table_name = 'audit_log' order by a.id desc limit 1`;
  expect(entry).toMatchObject({
    message: `Verified the audit log: ${checked} sealed entries intact`,
    label: auditor!.name,
  });
  await page.goto("/audit-log?table=audit_log&action=GENERATE");
  await expect(page.getByRole("row").filter({ hasText: entry!.message }).first()).toBeVisible();

  // A superuser edits that entry once it is sealed, with the append-only guard switched off.
  await sealThrough(Number(entry!.id));
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await tx`update audit_log set message = 'Nothing to see here' where id = ${entry!.id}`;
  });
  try {
    await page.goto(PAGE);
    await expect(await verifyNow(page)).toHaveText(
      /^Verified the audit log: 1 problem in [\d,]+ sealed entries$/,
    );
    const problems = page.getByTestId("verification-problems");
    await expect(problems.getByRole("row")).toHaveCount(2);
    await expect(problems.getByRole("row").nth(1)).toHaveText(
      `Changed${entry!.id}entry ${entry!.id} differs from what was sealed`,
    );
    await expect(page.getByTestId("verification-outcome")).toContainText("Verification failed");
    await expectNoAxeViolations(page);
  } finally {
    // Put it back as it was sealed, so the log verifies again for every later spec.
    await sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`update audit_log set message = ${entry!.message} where id = ${entry!.id}`;
    });
  }
  await page.reload();
  await expect(await verifyNow(page)).toHaveText(/ sealed entries intact$/);
});

test("only admin and auditor are offered the page; others are refused it", async ({ page }) => {
  await signInAs(page, "admin");
  await page.goto(PAGE);
  await expect(page.getByRole("button", { name: "Verify now" })).toBeVisible();
  await expect(
    page.getByTestId("control-panel-nav").getByRole("link", { name: "Audit integrity" }),
  ).toHaveAttribute("aria-current", "page");
  await expect(
    page.getByTestId("control-panel-nav").getByRole("link", { name: "Audit log" }),
  ).not.toHaveAttribute("aria-current");

  for (const role of ["support", "branding"] as const) {
    await signInAs(page, role);
    const response = await page.goto(PAGE);
    expect(response?.status(), role).toBe(403);
    await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
    await expect(page.locator("form[aria-label]")).toHaveCount(0);
    await expect(page.getByText("Last verification")).toHaveCount(0);
    await page.goto("/audit-log");
    await expect(
      page.getByTestId("control-panel-nav").getByRole("link", { name: "Audit integrity" }),
    ).toHaveCount(0);
  }
});
