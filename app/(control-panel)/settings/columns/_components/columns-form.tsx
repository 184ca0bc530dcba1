"use client";

import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { useActionState } from "react";
import { IDLE, type ActionResult, type FormAction } from "@/lib/actions/result";

/** One subject's column checkboxes (a role, or a user's override) with its own save button. */
export function ColumnsForm<T>({
  action,
  hidden,
  columns,
  checked,
  label,
  children,
}: {
  action: FormAction<T>;
  hidden: Record<string, string>;
  columns: readonly { key: string; header: string }[];
  checked: readonly string[];
  label: string;
  children?: React.ReactNode;
}) {
  const [state, formAction, pending] = useActionState<ActionResult<T>, FormData>(action, IDLE);
  return (
    <form
      action={formAction}
      aria-label={label}
      className="flex flex-wrap items-center gap-x-4 gap-y-2"
    >
      {Object.entries(hidden).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      {children}
      {columns.map((c) => (
        <label key={c.key} className="flex items-center gap-1.5 text-sm">
          <input
            type="checkbox"
            name="columns[]"
            value={c.key}
            defaultChecked={checked.includes(c.key)}
          />
          {c.header}
        </label>
      ))}
      <AuditCommentField state={state} />
      <button
        type="submit"
        disabled={pending}
        className="rounded-md bg-brand px-3 py-1 text-sm font-medium text-white disabled:opacity-60"
      >
        {pending ? "Saving…" : "Save"}
      </button>
      <span role="status" className="text-sm">
        {state.status === "ok" ? <span className="text-green-700">{state.message}</span> : null}
        {state.status === "error" ? (
          <span className="text-red-700">
            {state.error}{" "}
            {Object.values(state.fieldErrors ?? {})
              .flat()
              .join(" ")}
          </span>
        ) : null}
      </span>
    </form>
  );
}
