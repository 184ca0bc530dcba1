"use client";

import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { useActionState } from "react";
import { SelectField } from "@/components/forms/field";
import { ConfirmDialog } from "@/components/forms/confirm-dialog";
import { FormStatus } from "@/components/forms/form-status";
import { SubmitButton } from "@/components/forms/submit-button";
import { IDLE, type ActionResult, type FormAction } from "@/lib/actions/result";

export function RoleForm({
  action,
  userId,
  role,
  roles,
}: {
  action: FormAction<number>;
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
      <AuditCommentField state={state} />
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
  action: FormAction<number>;
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
      >
        <AuditCommentField state={state} form={formId} />
      </ConfirmDialog>
      <FormStatus state={state} />
    </div>
  );
}

export function ResetForm({ action, userId }: { action: FormAction<number>; userId: number }) {
  const [state, formAction] = useActionState<ActionResult<number>, FormData>(action, IDLE);
  return (
    <form action={formAction} aria-label="Send password reset" className="space-y-2">
      <input type="hidden" name="userId" value={userId} />
      <AuditCommentField state={state} />
      <SubmitButton variant="secondary" pendingText="Sending…">
        Send password reset email
      </SubmitButton>
      <FormStatus state={state} />
    </form>
  );
}

/** Make / remove a portal user's portal administrator flag, behind a confirmation. */
export function PortalAdminForm({
  action,
  userId,
  portalAdmin,
  name,
  account,
}: {
  action: FormAction<number>;
  userId: number;
  portalAdmin: boolean;
  name: string;
  account: string;
}) {
  const [state, formAction] = useActionState<ActionResult<number>, FormData>(action, IDLE);
  const formId = `portal-admin-form-${userId}`;
  const label = portalAdmin ? "Remove portal administrator" : "Make portal administrator";
  return (
    <div className="space-y-2">
      <form id={formId} action={formAction} aria-label={label}>
        <input type="hidden" name="userId" value={userId} />
        <input type="hidden" name="portalAdmin" value={portalAdmin ? "false" : "true"} />
      </form>
      <ConfirmDialog
        trigger={label}
        title={
          portalAdmin
            ? `Remove ${name} as a portal administrator?`
            : `Make ${name} a portal administrator?`
        }
        description={
          portalAdmin
            ? `They can no longer invite or disable ${account}'s portal users or edit its contact details.`
            : `They can invite and disable ${account}'s portal users and edit its contact details in the Customer Portal.`
        }
        confirmLabel={portalAdmin ? "Remove" : "Make administrator"}
        tone={portalAdmin ? "danger" : "primary"}
        formId={formId}
      >
        <AuditCommentField state={state} form={formId} />
      </ConfirmDialog>
      <FormStatus state={state} />
    </div>
  );
}
