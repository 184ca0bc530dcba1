"use client";

import { AuditCommentField } from "@/components/forms/audit-comment-field";
import * as Popover from "@radix-ui/react-popover";
import { useRouter } from "next/navigation";
import { useActionState, useEffect } from "react";
import { IDLE, type ActionResult, type FormAction } from "@/lib/actions/result";

/**
 * Personal preference: hide columns for yourself (never reveals one your role may not see). The
 * same chooser serves the audit page, the CDR pages and the breakout report; each passes its own
 * action and only the columns its viewer policy allows.
 */
export function ColumnChooser<K extends string, T>({
  action: save,
  columns,
  visible,
  title = "Show columns",
}: {
  action: FormAction<T>;
  columns: readonly { key: K; header: string }[];
  visible: readonly K[];
  title?: string;
}) {
  const router = useRouter();
  const [state, action, pending] = useActionState<ActionResult<T>, FormData>(save, IDLE);
  useEffect(() => {
    if (state.status === "ok") router.refresh();
  }, [state, router]);
  return (
    <Popover.Root>
      <Popover.Trigger className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm hover:bg-slate-50">
        Columns
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          align="end"
          sideOffset={6}
          aria-label="Choose columns"
          className="z-40 w-56 rounded-md border border-slate-200 bg-white p-3 text-sm shadow-lg"
        >
          <form action={action} className="space-y-2">
            <p className="font-medium">{title}</p>
            {columns.map((c) => (
              <label key={c.key} className="flex items-center gap-2">
                <input
                  type="checkbox"
                  name="visible[]"
                  value={c.key}
                  defaultChecked={visible.includes(c.key)}
                />
                {c.header}
              </label>
            ))}
            <AuditCommentField state={state} />
            {state.status === "error" ? (
              <p className="text-xs text-red-700">{state.error}</p>
            ) : null}
            <button
              type="submit"
              disabled={pending}
              className="w-full rounded bg-brand px-3 py-1.5 font-medium text-white disabled:opacity-60"
            >
              {pending ? "Saving…" : "Save"}
            </button>
          </form>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
