"use client";

import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { useActionState } from "react";
import { SubmitButton } from "@/components/forms/submit-button";
import { IDLE, type ActionResult, type FormAction } from "@/lib/actions/result";
import { FormErrors } from "./form-errors";

/** A one-button form: removes a saved row (an override, a role's settings). */
export function RemoveButton<T>({
  action,
  fields,
  label,
}: {
  action: FormAction<T>;
  fields: Record<string, string>;
  label: string;
}) {
  const [state, formAction] = useActionState<ActionResult<T>, FormData>(action, IDLE);
  return (
    <form action={formAction} aria-label={label} className="flex items-center gap-2">
      {Object.entries(fields).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <AuditCommentField state={state} />
      <SubmitButton variant="secondary" pendingText="Removing…">
        {label}
      </SubmitButton>
      <FormErrors state={state} />
    </form>
  );
}
