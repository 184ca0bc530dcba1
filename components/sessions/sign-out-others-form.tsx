"use client";

import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { useActionState } from "react";
import { FormStatus } from "@/components/forms/form-status";
import { SubmitButton } from "@/components/forms/submit-button";
import { IDLE, type ActionResult, type FormAction } from "@/lib/actions/result";

/** Ends every session of the user but this one (the button shows only when there are others). */
export function SignOutOthersForm({
  action,
  others,
}: {
  action: FormAction<number>;
  others: number;
}) {
  const [state, formAction] = useActionState<ActionResult<number>, FormData>(action, IDLE);
  return (
    <form action={formAction} aria-label="Sign out other sessions" className="space-y-3">
      <FormStatus state={state} />
      {others > 0 ? <AuditCommentField state={state} /> : null}
      {others > 0 ? (
        <SubmitButton pendingText="Signing out…" variant="secondary">
          Sign out other sessions
        </SubmitButton>
      ) : (
        <p className="text-sm text-slate-500">You are not signed in anywhere else.</p>
      )}
    </form>
  );
}
