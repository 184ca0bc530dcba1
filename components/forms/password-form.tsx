"use client";

import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { useActionState } from "react";
import { Field } from "@/components/forms/field";
import { FormStatus } from "@/components/forms/form-status";
import { SubmitButton } from "@/components/forms/submit-button";
import { IDLE, type ActionResult, type FormAction } from "@/lib/actions/result";

/**
 * Changing one's own password, in either app. Passwords are never sent back by the action, so a
 * failed submit leaves the fields empty.
 */
export function PasswordForm({
  action,
  minLength,
}: {
  action: FormAction<number>;
  minLength: number;
}) {
  const [state, formAction] = useActionState<ActionResult<number>, FormData>(action, IDLE);
  return (
    <form action={formAction} aria-label="Change password" className="space-y-3" noValidate>
      <div className="grid max-w-md gap-3">
        <Field
          name="currentPassword"
          label="Current password"
          type="password"
          state={state}
          required
          autoComplete="current-password"
        />
        <Field
          name="newPassword"
          label="New password"
          type="password"
          state={state}
          required
          minLength={minLength}
          autoComplete="new-password"
          hint={`At least ${minLength} characters.`}
        />
        <Field
          name="confirmPassword"
          label="Confirm new password"
          type="password"
          state={state}
          required
          autoComplete="new-password"
        />
      </div>
      <FormStatus state={state} />
      <AuditCommentField state={state} />
      <SubmitButton pendingText="Changing…">Change password</SubmitButton>
    </form>
  );
}
