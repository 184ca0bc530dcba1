"use client";

import { useActionState } from "react";
import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { ConfirmDialog } from "@/components/forms/confirm-dialog";
import { IDLE, type ActionResult, type FormAction } from "@/lib/actions/result";

export function DeleteWatchForm({
  action,
  id,
  name,
}: {
  action: FormAction<number>;
  id: number;
  name: string;
}) {
  const [state, formAction] = useActionState<ActionResult<number>, FormData>(action, IDLE);
  const formId = `delete-watch-${id}`;
  return (
    <div className="flex items-center gap-2">
      <form id={formId} action={formAction} aria-label={`Delete ${name}`}>
        <input type="hidden" name="id" value={id} />
      </form>
      <ConfirmDialog
        trigger="Delete"
        title={`Delete watch ${name}?`}
        description="Its notifications stop at once."
        confirmLabel="Delete watch"
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
