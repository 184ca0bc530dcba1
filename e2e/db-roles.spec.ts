import { expect, test } from "@playwright/test";
import { auditDbForSpec } from "./audit-db";
import { signInAs } from "./fixtures";

const db = auditDbForSpec();

/**
 * On the throwaway cluster the harness runs the app as in production (e2e/harness/database.ts):
 * migrations as the owner, the app as a runtime role that owns nothing (db/roles.ts), so every
 * other spec exercises that path. This checks it is so; the specs themselves read the database
 * as the owner.
 */
test("[admin] the app's connections are the runtime role's, which cannot change the audit log", async ({
  page,
}) => {
  test.skip(
    process.env.E2E_DATABASE_KIND !== "cluster",
    "only the throwaway cluster runs the app as a runtime role",
  );
  const appRole = decodeURIComponent(new URL(process.env.E2E_APP_DATABASE_URL!).username);
  await signInAs(page, "admin");
  await page.goto("/audit-log");
  await expect(page.getByTestId("audit-table")).toBeVisible();

  const connected = await db.sql<{ role: string }[]>`
    select distinct usename::text as role from pg_stat_activity
    where datname = current_database() and backend_type = 'client backend'
      and pid <> pg_backend_pid()`;
  expect(connected.map((c) => c.role)).toContain(appRole);

  const [rights] = await db.sql<Record<string, boolean>[]>`
    select rolsuper as superuser,
      has_table_privilege(rolname, 'audit_log', 'SELECT') as "select",
      has_table_privilege(rolname, 'audit_log', 'INSERT') as "insert",
      has_table_privilege(rolname, 'audit_log', 'UPDATE') as "update",
      has_table_privilege(rolname, 'audit_log', 'DELETE') as "delete",
      has_table_privilege(rolname, 'audit_log', 'TRUNCATE') as "truncate",
      pg_has_role(rolname, (select relowner from pg_class where oid = 'audit_log'::regclass),
        'MEMBER') as owner
    from pg_roles where rolname = ${appRole}`;
  expect(rights).toEqual({
    superuser: false,
    select: true,
    insert: true,
    update: false,
    delete: false,
    truncate: false,
    owner: false,
  });
});
