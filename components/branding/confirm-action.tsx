"use client";

import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { useActionState, useId } from "react";
import { ConfirmDialog } from "@/components/forms/confirm-dialog";
import { FormStatus } from "@/components/forms/form-status";
import { IDLE, type ActionResult, type FormAction } from "@/lib/actions/result";

/**
 * A button that asks first (publish, restore) and then submits its hidden fields. The form has
 * no accessible name of its own, so labels such as "Logo" stay unambiguous on the page.
 */
export function ConfirmAction<T>({
  action,
  fields,
  trigger,
  title,
  description,
  confirmLabel,
  testId,
  tone = "primary",
}: {
  action: FormAction<T>;
  fields: Record<string, string>;
  trigger: string;
  title: string;
  description: string;
  confirmLabel: string;
  testId?: string;
  tone?: "danger" | "primary";
}) {
  const [state, formAction] = useActionState<ActionResult<T>, FormData>(action, IDLE);
  const formId = useId();
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid={testId}>
      <form id={formId} action={formAction}>
        {Object.entries(fields).map(([k, v]) => (
          <input key={k} type="hidden" name={k} value={v} />
        ))}
      </form>
      <ConfirmDialog
        trigger={trigger}
        title={title}
        description={description}
        confirmLabel={confirmLabel}
        formId={formId}
        tone={tone}
      >
        <AuditCommentField state={state} form={formId} />
      </ConfirmDialog>
      <FormStatus state={state} />
    </div>
  );
}
