"use client";

import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { useActionState, useId } from "react";
import { ConfirmDialog } from "@/components/forms/confirm-dialog";
import { FormStatus } from "@/components/forms/form-status";
import { SubmitButton } from "@/components/forms/submit-button";
import { IDLE, type ActionResult, type FormAction } from "@/lib/actions/result";

/**
 * A one-button form (suspend, delete, restore) with its hidden fields; with `confirm`, the button
 * opens a ConfirmDialog whose confirm button submits the form.
 */
export function ActionButton<T>({
  action,
  fields,
  label,
  confirm,
  variant = "secondary",
}: {
  action: FormAction<T>;
  fields: Record<string, string>;
  label: string;
  confirm?: { title: string; description: string; confirmLabel: string };
  variant?: "primary" | "danger" | "secondary";
}) {
  const [state, formAction] = useActionState<ActionResult<T>, FormData>(action, IDLE);
  const formId = useId();
  return (
    <div className="flex items-center gap-2">
      <form id={formId} action={formAction} aria-label={label}>
        {Object.entries(fields).map(([k, v]) => (
          <input key={k} type="hidden" name={k} value={v} />
        ))}
        {confirm ? null : <SubmitButton variant={variant}>{label}</SubmitButton>}
      </form>
      {confirm ? (
        <ConfirmDialog trigger={label} formId={formId} {...confirm}>
          <AuditCommentField state={state} form={formId} />
        </ConfirmDialog>
      ) : null}
      <FormStatus state={state} />
    </div>
  );
}
