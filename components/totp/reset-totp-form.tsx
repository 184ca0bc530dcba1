"use client";

import { useActionState } from "react";
import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { FormStatus } from "@/components/forms/form-status";
import { SubmitButton } from "@/components/forms/submit-button";
import { IDLE, type ActionResult, type FormAction } from "@/lib/actions/result";

/** An administrator's reset of another user's second factor (a lost device and codes). */
export function ResetTotpForm({
  action,
  userId,
  name,
  enabled,
}: {
  action: FormAction<number>;
  userId: number;
  name: string;
  enabled: boolean;
}) {
  const [state, formAction] = useActionState<ActionResult<number>, FormData>(action, IDLE);
  // Mounted whether it is on or off, so the outcome stays on screen after the page re-renders.
  return (
    <form action={formAction} aria-label="Reset two-factor sign-in" className="space-y-2">
      <p className="text-sm text-slate-600" data-testid="user-totp">
        {enabled
          ? `On. After a reset ${name} signs in with the password alone until they set it up again.`
          : "Off."}
      </p>
      <input type="hidden" name="userId" value={userId} />
      {enabled ? (
        <>
          <AuditCommentField state={state} />
          <SubmitButton variant="danger" pendingText="Resetting…">
            Reset two-factor sign-in
          </SubmitButton>
        </>
      ) : null}
      <FormStatus state={state} />
    </form>
  );
}
