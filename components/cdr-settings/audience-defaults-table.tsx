"use client";

import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { useVersionedAction } from "@/components/forms/use-versioned-action";
import type { FormAction } from "@/lib/actions/result";
import { FormErrors, noAction, typedValue } from "./form-errors";
import type { CatalogueRow } from "./types";

type Audience = "customer" | "carrier";
export type AudienceSetting = {
  fields: readonly string[];
  labels: Readonly<Record<string, string>>;
  version: number;
};

const TITLES: Record<Audience, string> = { customer: "Customers", carrier: "Carriers" };
const formId = (a: Audience) => `cdr-defaults-${a}`;

/**
 * The catalogue with the default fields of customers and of carriers side by side: one table,
 * two forms (each input names its form), one Save per audience. "Never" cells are shown as such
 * and cannot be ticked. Without `action` the table is read-only (the auditor's view).
 */
export function AudienceDefaultsTable<T>({
  rows,
  settings,
  action,
}: {
  rows: readonly CatalogueRow[];
  settings: Record<Audience, AudienceSetting>;
  action?: FormAction<T>;
}) {
  const customer = useVersionedAction(
    action ?? (noAction as FormAction<T>),
    String(settings.customer.version),
  );
  const carrier = useVersionedAction(
    action ?? (noAction as FormAction<T>),
    String(settings.carrier.version),
  );
  const forms = { customer, carrier };
  const readOnly = !action;

  const cell = (audience: Audience, row: CatalogueRow) => {
    const { state } = forms[audience];
    if (row.defaults[audience] === "N") {
      return (
        <>
          <td className="px-2 py-1 text-xs text-slate-400">never</td>
          <td />
        </>
      );
    }
    const typedFields = typedValue(state, "fields[]");
    const checked = typedFields
      ? ([] as string[]).concat(typedFields).includes(row.key)
      : settings[audience].fields.includes(row.key);
    const labelName = `label.${row.key}`;
    const typedLabel = typedValue(state, labelName);
    const labelError = state.status === "error" ? state.fieldErrors?.[labelName] : undefined;
    return (
      <>
        <td className="px-2 py-1">
          <input
            type="checkbox"
            form={formId(audience)}
            name="fields[]"
            value={row.key}
            defaultChecked={checked}
            disabled={readOnly}
            aria-label={`${TITLES[audience]}: ${row.key}`}
          />
        </td>
        <td className="px-2 py-1">
          <input
            type="text"
            form={formId(audience)}
            name={labelName}
            defaultValue={
              typeof typedLabel === "string"
                ? typedLabel
                : (settings[audience].labels[row.key] ?? "")
            }
            placeholder={row.label}
            maxLength={40}
            disabled={readOnly}
            aria-label={`${TITLES[audience]} label of ${row.key}`}
            aria-invalid={labelError ? true : undefined}
            className="w-36 rounded border border-slate-300 px-1.5 py-0.5 text-sm aria-invalid:border-red-400"
          />
        </td>
      </>
    );
  };

  return (
    <div className="space-y-3">
      {(["customer", "carrier"] as const).map((audience) => (
        <form
          key={audience}
          id={formId(audience)}
          action={readOnly ? undefined : forms[audience].formAction}
          aria-label={`${TITLES[audience]} default fields`}
          className="hidden"
        >
          <input type="hidden" name="accountType" value={audience} />
          <input type="hidden" name="version" value={forms[audience].version} />
        </form>
      ))}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="min-w-full text-sm">
          <thead className="bg-slate-50 text-left text-xs text-slate-600">
            <tr>
              <th className="px-2 py-2">Field</th>
              <th className="px-2 py-2">Label</th>
              <th className="px-2 py-2">Type</th>
              <th className="px-2 py-2" colSpan={2}>
                Customers default (shown · label)
              </th>
              <th className="px-2 py-2" colSpan={2}>
                Carriers default (shown · label)
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((row) => (
              <tr key={row.key} data-field={row.key}>
                <td className="px-2 py-1 font-mono text-xs">{row.key}</td>
                <td className="px-2 py-1">{row.label}</td>
                <td className="px-2 py-1 text-slate-600">
                  {row.type}
                  {row.unit ? ` (${row.unit})` : ""}
                </td>
                {cell("customer", row)}
                {cell("carrier", row)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {readOnly ? null : (
        <div className="grid gap-3 sm:grid-cols-2">
          {(["customer", "carrier"] as const).map((audience) => (
            <div key={audience} className="space-y-1">
              <AuditCommentField state={forms[audience].state} form={formId(audience)} />
              <SaveButton
                form={formId(audience)}
                label={`Save ${TITLES[audience].toLowerCase()}`}
              />
              <FormErrors state={forms[audience].state} />
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

/** A submit button outside its form (useFormStatus does not reach it, so no pending text). */
function SaveButton({ form, label }: { form: string; label: string }) {
  return (
    <button
      type="submit"
      form={form}
      className="rounded-md bg-brand px-4 py-2 text-sm font-medium text-white hover:opacity-90"
    >
      {label}
    </button>
  );
}
