"use client";

import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { useVersionedAction } from "@/components/forms/use-versioned-action";
import { SubmitButton } from "@/components/forms/submit-button";
import type { FormAction } from "@/lib/actions/result";
import { FormErrors, noAction, typedValue } from "./form-errors";

export type ColumnChoice = { key: string; label: string; never: boolean };

/**
 * One subject's CDR fields or breakout columns (a role's row, or a user's override) as
 * checkboxes with one Save; "never" cells are shown struck out and cannot be ticked. Without
 * `action` it is read-only. `children` goes before the checkboxes (a user chooser).
 */
export function ColumnSetForm<T>({
  title,
  action,
  hidden,
  choices,
  checked,
  version,
  sees,
  children,
}: {
  title: string;
  action?: FormAction<T>;
  hidden: Record<string, string>;
  choices: readonly ColumnChoice[];
  checked: readonly string[];
  version: number;
  /** What the subject is given now, by the one effective-field function. */
  sees?: string;
  children?: React.ReactNode;
}) {
  const {
    state,
    formAction,
    version: next,
  } = useVersionedAction(action ?? (noAction as FormAction<T>), String(version));
  const typed = typedValue(state, "columns[]");
  const isChecked = (key: string) =>
    typed ? ([] as string[]).concat(typed).includes(key) : checked.includes(key);
  return (
    <form action={action ? formAction : undefined} aria-label={title} className="space-y-2">
      {Object.entries(hidden).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <input type="hidden" name="version" value={next} />
      {children}
      <div className="flex flex-wrap gap-x-4 gap-y-1">
        {choices.map((c) => (
          <label
            key={c.key}
            className={`flex items-center gap-1.5 text-sm ${c.never ? "text-slate-400 line-through" : ""}`}
            title={c.never ? "Never shown to this audience" : c.label}
          >
            <input
              type="checkbox"
              name="columns[]"
              value={c.key}
              defaultChecked={!c.never && isChecked(c.key)}
              disabled={!action || c.never}
            />
            <span className="font-mono text-xs">{c.key}</span>
          </label>
        ))}
      </div>
      {sees ? <p className="text-xs text-slate-600">Sees: {sees}</p> : null}
      {action ? (
        <div className="flex items-center gap-3">
          <AuditCommentField state={state} />
          <SubmitButton>Save</SubmitButton>
          <FormErrors state={state} />
        </div>
      ) : null}
    </form>
  );
}
