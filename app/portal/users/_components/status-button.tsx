"use client";

import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { useActionState } from "react";
import { ConfirmDialog } from "@/components/forms/confirm-dialog";
import { FormStatus } from "@/components/forms/form-status";
import { IDLE, type ActionResult, type FormAction } from "@/lib/actions/result";

/** Disable / Enable one colleague, behind a confirmation whose button submits the hidden form. */
export function StatusButton({
  action,
  userId,
  name,
  disabled,
}: {
  action: FormAction<number>;
  userId: number;
  name: string;
  disabled: boolean;
}) {
  const [state, formAction] = useActionState<ActionResult<number>, FormData>(action, IDLE);
  const formId = `portal-status-${userId}`;
  const verb = disabled ? "Enable" : "Disable";
  return (
    <div className="space-y-2">
      <form id={formId} action={formAction} aria-label={`${verb} ${name}`}>
        <input type="hidden" name="userId" value={userId} />
        <input type="hidden" name="status" value={disabled ? "active" : "disabled"} />
      </form>
      <ConfirmDialog
        trigger={verb}
        title={`${verb} ${name}?`}
        description={
          disabled
            ? "They can sign in again (or use a new invitation link if they never set a password)."
            : "They are signed out on their next request and cannot sign in until enabled again."
        }
        confirmLabel={verb}
        formId={formId}
      >
        <AuditCommentField state={state} form={formId} />
      </ConfirmDialog>
      <FormStatus state={state} />
    </div>
  );
}
