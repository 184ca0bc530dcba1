"use client";

import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { useActionState } from "react";
import { ConfirmDialog } from "@/components/forms/confirm-dialog";
import { IDLE, type ActionResult, type FormAction } from "@/lib/actions/result";

export function RevokeForm({
  action,
  id,
  name,
}: {
  action: FormAction<number>;
  id: number;
  name: string;
}) {
  const [state, formAction] = useActionState<ActionResult<number>, FormData>(action, IDLE);
  const formId = `revoke-key-${id}`;
  return (
    <div className="flex items-center gap-2">
      <form id={formId} action={formAction} aria-label={`Revoke ${name}`}>
        <input type="hidden" name="id" value={id} />
      </form>
      <ConfirmDialog
        trigger="Revoke"
        title={`Revoke ${name}?`}
        description="Requests using this key are refused from now on. This cannot be undone."
        confirmLabel="Revoke key"
        formId={formId}
      >
        <AuditCommentField state={state} form={formId} />
      </ConfirmDialog>
      {state.status === "error" ? (
        <span role="status" className="text-sm text-red-700">
          {state.error}
        </span>
      ) : null}
    </div>
  );
}
