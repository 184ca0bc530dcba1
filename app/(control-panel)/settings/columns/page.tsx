import type { Metadata } from "next";
import { asc, eq, isNull, and, isNotNull } from "drizzle-orm";
import { connection } from "next/server";
import { getDb } from "@/db/client";
import { columnPermissions, USER_ROLES, users } from "@/db/schema";
import { RecordHistory } from "@/app/(control-panel)/_components/record-history";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { requirePermission } from "@/lib/auth/session";
import { AUDIT_COLUMNS, defaultAuditColumns } from "@/lib/visibility/audit-columns";
import { ColumnsForm } from "./_components/columns-form";
import { clearUserColumnsAction, setRoleColumnsAction, setUserColumnsAction } from "./actions";

export const metadata: Metadata = { title: "Column visibility" };

export default async function ColumnSettingsPage() {
  await connection();
  await requirePermission("settings:manage");
  const db = await getDb();
  const roleRows = await db
    .select()
    .from(columnPermissions)
    .where(and(eq(columnPermissions.surface, "audit"), isNull(columnPermissions.userId)));
  const overrides = await db
    .select({
      id: columnPermissions.id,
      userId: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      columns: columnPermissions.columns,
    })
    .from(columnPermissions)
    .innerJoin(users, eq(users.id, columnPermissions.userId))
    .where(and(eq(columnPermissions.surface, "audit"), isNotNull(columnPermissions.userId)))
    .orderBy(asc(users.name));
  const everyone = await db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role })
    .from(users)
    .orderBy(asc(users.name));

  return (
    <div className="space-y-8">
      <header>
        <h1 className="text-xl font-semibold">Column visibility</h1>
        <p className="text-sm text-slate-600">
          Which audit-log columns each role may see. A user override replaces their role&apos;s
          columns. Hidden columns are never sent to the browser, nor included in exports. Users can
          hide more for themselves, never reveal one.
        </p>
      </header>

      <section className="space-y-3">
        <h2 className="font-semibold">By role</h2>
        <div className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
          {USER_ROLES.map((role) => {
            const row = roleRows.find((r) => r.role === role);
            return (
              <div key={role} className="p-3">
                <ColumnsForm
                  action={setRoleColumnsAction}
                  hidden={{ role }}
                  columns={AUDIT_COLUMNS}
                  checked={row?.columns ?? defaultAuditColumns(role)}
                  label={`${ROLE_LABELS[role]} columns`}
                >
                  <span className="w-24 font-medium">{ROLE_LABELS[role]}</span>
                </ColumnsForm>
              </div>
            );
          })}
        </div>
      </section>

      <section className="space-y-3">
        <h2 className="font-semibold">User overrides</h2>
        <div className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
          {overrides.map((o) => (
            <div key={o.id} className="flex flex-wrap items-center gap-3 p-3">
              <ColumnsForm
                action={setUserColumnsAction}
                hidden={{ userId: String(o.userId) }}
                columns={AUDIT_COLUMNS}
                checked={o.columns}
                label={`Override for ${o.email}`}
              >
                <span className="w-56 text-sm">
                  <span className="font-medium">{o.name}</span>{" "}
                  <span className="text-slate-500">{o.email}</span>
                </span>
              </ColumnsForm>
              <ColumnsForm
                action={clearUserColumnsAction}
                hidden={{ userId: String(o.userId) }}
                columns={[]}
                checked={[]}
                label={`Remove override for ${o.email}`}
              />
            </div>
          ))}
          <div className="p-3">
            <ColumnsForm
              action={setUserColumnsAction}
              hidden={{}}
              columns={AUDIT_COLUMNS}
              checked={[]}
              label="Add a user override"
            >
              <label className="text-sm">
                <span className="sr-only">User</span>
                <select
                  name="userId"
                  defaultValue=""
                  className="w-56 rounded border border-slate-300 px-2 py-1"
                >
                  <option value="" disabled>
                    Choose a user…
                  </option>
                  {everyone.map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.name} ({ROLE_LABELS[u.role]})
                    </option>
                  ))}
                </select>
              </label>
            </ColumnsForm>
          </div>
        </div>
      </section>

      <section className="space-y-3">
        <h2 className="font-semibold">History</h2>
        <RecordHistory table="column_permissions" limit={20} />
      </section>
    </div>
  );
}
