"use client";

import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { useVersionedAction } from "@/components/forms/use-versioned-action";
import { SubmitButton } from "@/components/forms/submit-button";
import type { FormAction } from "@/lib/actions/result";
import { FormErrors, noAction, typedValue } from "./form-errors";
import type { CatalogueRow } from "./types";

export type AccountOverride = {
  added: readonly string[];
  removed: readonly string[];
  labels: Readonly<Record<string, string>>;
  fieldOrder: readonly string[];
  version: number;
};

/**
 * One account's override of its audience's default: per field default / shown / hidden, a label
 * and a position (fields with a position come first). Fields the audience never sees are listed
 * as "never" without controls. Without `action` it is read-only.
 */
export function AccountOverrideForm<T>({
  account,
  rows,
  audienceFields,
  override,
  action,
}: {
  account: { id: number; name: string; type: "customer" | "carrier" };
  rows: readonly CatalogueRow[];
  /** The audience default's fields: what "default" means for each row. */
  audienceFields: readonly string[];
  override: AccountOverride | null;
  action?: FormAction<T>;
}) {
  const { state, formAction, version } = useVersionedAction(
    action ?? (noAction as FormAction<T>),
    String(override?.version ?? 0),
  );
  const readOnly = !action;
  const stored = (key: string) =>
    override?.added.includes(key)
      ? "shown"
      : override?.removed.includes(key)
        ? "hidden"
        : "default";
  const text = (name: string, fallback: string) => {
    const typed = typedValue(state, name);
    return typeof typed === "string" ? typed : fallback;
  };
  const errorOf = (name: string) =>
    state.status === "error" ? state.fieldErrors?.[name] : undefined;

  return (
    <form
      action={readOnly ? undefined : formAction}
      aria-label={`CDR fields of ${account.name}`}
      className="space-y-3"
    >
      <input type="hidden" name="accountId" value={account.id} />
      <input type="hidden" name="version" value={version} />
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="min-w-full text-sm">
          <thead className="bg-slate-50 text-left text-xs text-slate-600">
            <tr>
              <th className="px-2 py-2">Field</th>
              <th className="px-2 py-2">Default for {account.type}s</th>
              <th className="px-2 py-2">For {account.name}</th>
              <th className="px-2 py-2">Label</th>
              <th className="px-2 py-2">Position</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((row) => {
              const never = row.defaults[account.type] === "N";
              const stateName = `state.${row.key}`;
              const labelName = `label.${row.key}`;
              const positionName = `position.${row.key}`;
              const position = override?.fieldOrder.indexOf(row.key) ?? -1;
              const errors = [stateName, labelName, positionName].flatMap((n) => errorOf(n) ?? []);
              return (
                <tr key={row.key} data-field={row.key}>
                  <td className="px-2 py-1">
                    <span className="font-mono text-xs">{row.key}</span>{" "}
                    <span className="text-slate-500">{row.label}</span>
                    {errors.length > 0 ? (
                      <p className="text-xs text-red-700">{errors.join(" ")}</p>
                    ) : null}
                  </td>
                  {never ? (
                    <td className="px-2 py-1 text-xs text-slate-400" colSpan={4}>
                      never
                    </td>
                  ) : (
                    <>
                      <td className="px-2 py-1 text-slate-600">
                        {audienceFields.includes(row.key) ? "shown" : "hidden"}
                      </td>
                      <td className="px-2 py-1">
                        <select
                          name={stateName}
                          defaultValue={text(stateName, stored(row.key))}
                          disabled={readOnly}
                          aria-label={`${row.key} for ${account.name}`}
                          aria-invalid={errorOf(stateName) ? true : undefined}
                          className="rounded border border-slate-300 px-1 py-0.5 text-sm"
                        >
                          <option value="default">default</option>
                          <option value="shown">shown</option>
                          <option value="hidden">hidden</option>
                        </select>
                      </td>
                      <td className="px-2 py-1">
                        <input
                          type="text"
                          name={labelName}
                          defaultValue={text(labelName, override?.labels[row.key] ?? "")}
                          placeholder="(default)"
                          maxLength={40}
                          disabled={readOnly}
                          aria-label={`Label of ${row.key} for ${account.name}`}
                          aria-invalid={errorOf(labelName) ? true : undefined}
                          className="w-36 rounded border border-slate-300 px-1.5 py-0.5 text-sm aria-invalid:border-red-400"
                        />
                      </td>
                      <td className="px-2 py-1">
                        <input
                          type="number"
                          name={positionName}
                          min={1}
                          defaultValue={text(
                            positionName,
                            position >= 0 ? String(position + 1) : "",
                          )}
                          disabled={readOnly}
                          aria-label={`Position of ${row.key} for ${account.name}`}
                          aria-invalid={errorOf(positionName) ? true : undefined}
                          className="w-16 rounded border border-slate-300 px-1.5 py-0.5 text-sm aria-invalid:border-red-400"
                        />
                      </td>
                    </>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {readOnly ? null : (
        <div className="flex items-center gap-3">
          <AuditCommentField state={state} />
          <SubmitButton>Save {account.name}</SubmitButton>
          <FormErrors state={state} />
        </div>
      )}
    </form>
  );
}
