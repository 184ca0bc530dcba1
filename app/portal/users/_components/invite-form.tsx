"use client";

import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { useActionState } from "react";
import { Field } from "@/components/forms/field";
import { FormStatus } from "@/components/forms/form-status";
import { SubmitButton } from "@/components/forms/submit-button";
import { IDLE, type ActionResult, type FormAction } from "@/lib/actions/result";

/** Name and email only: the role and the account are the admin's own, set on the server. */
export function InviteForm({ action }: { action: FormAction<number> }) {
  const [state, formAction] = useActionState<ActionResult<number>, FormData>(action, IDLE);
  return (
    <form action={formAction} aria-label="Invite user" className="space-y-3" noValidate>
      <div className="grid max-w-3xl gap-3 sm:grid-cols-2">
        <Field name="name" label="Name" state={state} required maxLength={100} autoComplete="off" />
        <Field name="email" label="Email" type="email" state={state} required autoComplete="off" />
      </div>
      <FormStatus state={state} />
      <AuditCommentField state={state} />
      <SubmitButton pendingText="Inviting…">Invite user</SubmitButton>
    </form>
  );
}
