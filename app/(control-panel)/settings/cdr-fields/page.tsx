import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { RecordHistory } from "@/app/(control-panel)/_components/record-history";
import { AccountOverrideForm } from "@/components/cdr-settings/account-override-form";
import { AudienceDefaultsTable } from "@/components/cdr-settings/audience-defaults-table";
import { ColumnSetForm, type ColumnChoice } from "@/components/cdr-settings/column-set-form";
import { RemoveButton } from "@/components/cdr-settings/remove-button";
import type { CatalogueRow } from "@/components/cdr-settings/types";
import { getDb } from "@/db/client";
import type { UserRole } from "@/db/schema";
import { can } from "@/lib/auth/permissions";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { requirePermission } from "@/lib/auth/session";
import { CDR_FIELDS, defaultCdrFields } from "@/lib/cdrs/fields";
import { roleDefaultColumns } from "@/lib/cdrs/settings-input";
import type { ColumnSurface } from "@/lib/cdrs/settings-messages";
import {
  BREAKOUT_ROLES,
  CDR_ROLES,
  effectiveColumns,
  loadAccountFieldSettings,
  loadCdrFieldSettings,
  type ColumnRow,
  type SettingsUser,
} from "@/lib/cdrs/settings-queries";
import { audienceOf } from "@/lib/cdrs/viewer-policy";
import { BREAKOUT_COLUMNS } from "@/lib/reports/breakout-columns";
import {
  clearAccountFieldsAction,
  clearColumnsAction,
  setAccountFieldsAction,
  setAudienceFieldsAction,
  setRoleColumnsAction,
  setUserColumnsAction,
} from "./actions";

export const metadata: Metadata = { title: "CDR fields" };

const ROWS: CatalogueRow[] = CDR_FIELDS.map((f) => ({
  key: f.key,
  label: f.label,
  type: f.type,
  defaults: f.defaults,
  ...("unit" in f ? { unit: f.unit } : {}),
}));

const choicesFor = (surface: ColumnSurface, role: UserRole): ColumnChoice[] => {
  const audience = audienceOf(role);
  const catalogue = surface === "cdr" ? CDR_FIELDS : BREAKOUT_COLUMNS;
  return catalogue.map((c) => ({
    key: c.key,
    label: c.label,
    never: c.defaults[audience] === "N",
  }));
};

/** "Call start, Duration, …": what a subject is given now, by the effective-field function. */
async function seesLine(surface: ColumnSurface, role: UserRole, userId?: number) {
  const policy = await effectiveColumns(await getDb(), { role, userId });
  if (!policy) return "nothing (no CDR access)";
  if (surface === "cdr")
    return policy.fields.allowed.map((k) => policy.fields.labels[k]).join(", ");
  return policy.breakout.allowed
    .map((k) => BREAKOUT_COLUMNS.find((c) => c.key === k)!.label)
    .join(", ");
}

export default async function CdrFieldSettingsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await connection();
  const user = await requirePermission("settings:read");
  const manage = can(user.role, "settings:manage");
  const db = await getDb();
  const data = await loadCdrFieldSettings(db);
  const accountParam = Number((await searchParams).account);
  const chosen =
    Number.isSafeInteger(accountParam) && accountParam > 0
      ? await loadAccountFieldSettings(db, accountParam)
      : null;
  const audienceSetting = (type: "customer" | "carrier") => {
    const row = data.audiences[type];
    return {
      fields: row?.fields ?? defaultCdrFields(type),
      labels: row?.labels ?? {},
      version: row?.version ?? 0,
    };
  };

  return (
    <div className="space-y-10">
      <header>
        <h1 className="text-xl font-semibold">CDR fields</h1>
        <p className="text-sm text-slate-600">
          Which CDR fields customers and carriers see by default, per-account overrides, staff
          fields per role and user, and breakout report columns per role and user. A field marked
          &ldquo;never&rdquo; cannot be shown to that audience by any setting. Users can hide more
          for themselves, never reveal one.
          {manage ? null : " You can read these settings; only an admin can change them."}
        </p>
      </header>

      <section className="space-y-3" aria-labelledby="defaults-heading">
        <h2 id="defaults-heading" className="font-semibold">
          Default fields for customers and carriers
        </h2>
        <AudienceDefaultsTable
          rows={ROWS}
          settings={{ customer: audienceSetting("customer"), carrier: audienceSetting("carrier") }}
          {...(manage ? { action: setAudienceFieldsAction } : {})}
        />
      </section>

      <section id="account" className="space-y-3" aria-labelledby="accounts-heading">
        <h2 id="accounts-heading" className="font-semibold">
          Account overrides
        </h2>
        <p className="text-sm text-slate-600">
          {data.overrides.length === 0
            ? "No account has an override."
            : "Accounts with an override: "}
          {data.overrides.map((a, i) => (
            <span key={a.id}>
              {i > 0 ? ", " : null}
              <Link href={`?account=${a.id}#account`} className="text-brand underline">
                {a.name} ({a.id})
              </Link>
            </span>
          ))}
        </p>
        <form method="get" action="#account" className="flex items-end gap-2">
          <label className="text-sm">
            <span className="block font-medium text-slate-700">Account</span>
            <select
              key={chosen?.account.id ?? "none"}
              name="account"
              defaultValue={chosen ? String(chosen.account.id) : ""}
              className="mt-1 w-72 rounded border border-slate-300 px-2 py-1"
            >
              <option value="" disabled>
                Choose an account…
              </option>
              {data.accountChoices.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({a.type}, {a.id})
                </option>
              ))}
            </select>
          </label>
          <button
            type="submit"
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50"
          >
            Open
          </button>
        </form>
        {chosen ? (
          <div className="space-y-3">
            <p className="text-sm" data-testid="account-sees">
              <span className="font-medium">{chosen.account.name} sees:</span>{" "}
              {chosen.effective
                ? chosen.effective.allowed.map((k) => chosen.effective!.labels[k]).join(", ")
                : "nothing"}
            </p>
            <AccountOverrideForm
              key={chosen.account.id}
              account={chosen.account}
              rows={ROWS}
              audienceFields={audienceSetting(chosen.account.type).fields}
              override={
                chosen.override && {
                  added: chosen.override.added,
                  removed: chosen.override.removed,
                  labels: chosen.override.labels,
                  fieldOrder: chosen.override.fieldOrder,
                  version: chosen.override.version,
                }
              }
              {...(manage ? { action: setAccountFieldsAction } : {})}
            />
            {manage && chosen.override ? (
              <RemoveButton
                action={clearAccountFieldsAction}
                fields={{ accountId: String(chosen.account.id) }}
                label={`Remove the override of ${chosen.account.name}`}
              />
            ) : null}
          </div>
        ) : null}
      </section>

      <ColumnSection
        surface="cdr"
        title="Staff CDR fields"
        intro="Which CDR fields each staff role sees in the Control Panel; a user override replaces their role's fields."
        roles={CDR_ROLES}
        rows={data.cdr}
        users={data.userChoices.filter((u) => audienceOf(u.role) === "staff")}
        manage={manage}
      />
      <ColumnSection
        surface="breakout"
        title="Breakout report columns"
        intro="Which breakout report columns each role sees, portal roles included; a user override replaces their role's columns."
        roles={BREAKOUT_ROLES}
        rows={data.breakout}
        users={data.userChoices}
        manage={manage}
      />

      <section className="space-y-3">
        <h2 className="font-semibold">History</h2>
        <RecordHistory table="cdr_field_settings" limit={20} />
        <h3 className="text-sm font-semibold">Role and user columns</h3>
        <RecordHistory table="column_permissions" limit={20} />
      </section>
    </div>
  );
}

/** A surface's role rows, user overrides and "add an override" form. */
async function ColumnSection({
  surface,
  title,
  intro,
  roles,
  rows,
  users,
  manage,
}: {
  surface: ColumnSurface;
  title: string;
  intro: string;
  roles: readonly UserRole[];
  rows: { roles: ColumnRow[]; users: ColumnRow[] };
  users: SettingsUser[];
  manage: boolean;
}) {
  const sees = await Promise.all(roles.map((role) => seesLine(surface, role)));
  const userSees = await Promise.all(
    rows.users.map((r) => seesLine(surface, r.user!.role, r.user!.id)),
  );
  const addChoices =
    surface === "cdr" ? choicesFor("cdr", "admin") : choicesFor("breakout", "admin");
  return (
    <section className="space-y-3" aria-labelledby={`${surface}-heading`}>
      <h2 id={`${surface}-heading`} className="font-semibold">
        {title}
      </h2>
      <p className="text-sm text-slate-600">{intro}</p>
      <div className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
        {roles.map((role, i) => {
          const row = rows.roles.find((r) => r.role === role);
          return (
            <div key={role} className="space-y-2 p-3" data-testid={`${surface}-role-${role}`}>
              <h3 className="text-sm font-medium">
                {ROLE_LABELS[role]} {row ? null : <span className="text-slate-500">(default)</span>}
              </h3>
              <ColumnSetForm
                title={`${title}: ${ROLE_LABELS[role]}`}
                hidden={{ surface, role }}
                choices={choicesFor(surface, role)}
                checked={row?.columns ?? roleDefaultColumns(surface, role)}
                version={row?.version ?? 0}
                sees={sees[i]}
                {...(manage ? { action: setRoleColumnsAction } : {})}
              />
              {manage && row ? (
                <RemoveButton
                  action={clearColumnsAction}
                  fields={{ surface, role }}
                  label={`Reset ${ROLE_LABELS[role]} to the default`}
                />
              ) : null}
            </div>
          );
        })}
      </div>
      <h3 className="text-sm font-semibold">User overrides</h3>
      <div className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
        {rows.users.length === 0 ? <p className="p-3 text-sm text-slate-500">None.</p> : null}
        {rows.users.map((r, i) => (
          <div key={r.user!.id} className="space-y-2 p-3">
            <h4 className="text-sm">
              <span className="font-medium">{r.user!.name}</span>{" "}
              <span className="text-slate-500">
                {r.user!.email} · {ROLE_LABELS[r.user!.role]}
              </span>
            </h4>
            <ColumnSetForm
              title={`${title}: override for ${r.user!.email}`}
              hidden={{ surface, userId: String(r.user!.id) }}
              choices={choicesFor(surface, r.user!.role)}
              checked={r.columns}
              version={r.version}
              sees={userSees[i]}
              {...(manage ? { action: setUserColumnsAction } : {})}
            />
            {manage ? (
              <RemoveButton
                action={clearColumnsAction}
                fields={{ surface, userId: String(r.user!.id) }}
                label={`Remove the override of ${r.user!.email}`}
              />
            ) : null}
          </div>
        ))}
        {manage ? (
          <div className="p-3">
            <ColumnSetForm
              title={`${title}: add a user override`}
              hidden={{ surface }}
              choices={addChoices}
              checked={[]}
              version={0}
              action={setUserColumnsAction}
            >
              <label className="block text-sm">
                <span className="font-medium text-slate-700">Add an override for</span>{" "}
                <select
                  name="userId"
                  defaultValue=""
                  className="w-72 rounded border border-slate-300 px-2 py-1"
                >
                  <option value="" disabled>
                    Choose a user…
                  </option>
                  {users
                    .filter((u) => !rows.users.some((r) => r.user!.id === u.id))
                    .map((u) => (
                      <option key={u.id} value={u.id}>
                        {u.name} ({ROLE_LABELS[u.role]})
                      </option>
                    ))}
                </select>
              </label>
            </ColumnSetForm>
          </div>
        ) : null}
      </div>
    </section>
  );
}
