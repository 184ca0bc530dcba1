"use client";

import { useActionState } from "react";
import { SelectField } from "@/components/forms/field";
import { ConfirmDialog } from "@/components/forms/confirm-dialog";
import { FormStatus } from "@/components/forms/form-status";
import { SubmitButton } from "@/components/forms/submit-button";
import { IDLE, type ActionResult } from "@/lib/actions/result";

type Action = (prev: ActionResult<number>, formData: FormData) => Promise<ActionResult<number>>;

export function RoleForm({
  action,
  userId,
  role,
  roles,
}: {
  action: Action;
  userId: number;
  role: string;
  roles: readonly { value: string; label: string }[];
}) {
  const [state, formAction] = useActionState<ActionResult<number>, FormData>(action, IDLE);
  return (
    <form action={formAction} aria-label="Change role" className="space-y-3">
      <input type="hidden" name="userId" value={userId} />
      <SelectField name="role" label="Role" state={state} defaultValue={role} options={roles} />
      <FormStatus state={state} />
      <SubmitButton>Change role</SubmitButton>
    </form>
  );
}

/** Disable / enable behind a confirmation: the dialog's button submits this hidden form. */
export function StatusForm({
  action,
  userId,
  disabled,
  name,
}: {
  action: Action;
  userId: number;
  disabled: boolean;
  name: string;
}) {
  const [state, formAction] = useActionState<ActionResult<number>, FormData>(action, IDLE);
  const formId = `status-form-${userId}`;
  return (
    <div className="space-y-2">
      <form id={formId} action={formAction} aria-label={disabled ? "Enable user" : "Disable user"}>
        <input type="hidden" name="userId" value={userId} />
        <input type="hidden" name="status" value={disabled ? "active" : "disabled"} />
      </form>
      <ConfirmDialog
        trigger={disabled ? "Enable user" : "Disable user"}
        title={disabled ? `Enable ${name}?` : `Disable ${name}?`}
        description={
          disabled
            ? "They can sign in again (or use a new invitation link if they never set a password)."
            : "They are signed out on their next request and cannot sign in. Pending links stop working."
        }
        confirmLabel={disabled ? "Enable" : "Disable"}
        formId={formId}
      />
      <FormStatus state={state} />
    </div>
  );
}

export function ResetForm({ action, userId }: { action: Action; userId: number }) {
  const [state, formAction] = useActionState<ActionResult<number>, FormData>(action, IDLE);
  return (
    <form action={formAction} aria-label="Send password reset" className="space-y-2">
      <input type="hidden" name="userId" value={userId} />
      <SubmitButton variant="secondary" pendingText="Sending…">
        Send password reset email
      </SubmitButton>
      <FormStatus state={state} />
    </form>
  );
}
