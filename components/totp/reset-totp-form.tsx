"use client";

import { useActionState } from "react";
import { FormStatus } from "@/components/forms/form-status";
import { SubmitButton } from "@/components/forms/submit-button";
import { IDLE, type ActionResult, type FormAction } from "@/lib/actions/result";

/** An administrator's reset of another user's second factor (a lost device and codes). */
export function ResetTotpForm({
  action,
  userId,
  name,
}: {
  action: FormAction<number>;
  userId: number;
  name: string;
}) {
  const [state, formAction] = useActionState<ActionResult<number>, FormData>(action, IDLE);
  return (
    <form action={formAction} aria-label="Reset two-factor sign-in" className="space-y-2">
      <input type="hidden" name="userId" value={userId} />
      <p className="text-sm text-slate-600">
        {name} will sign in with the password alone until they set it up again.
      </p>
      <SubmitButton variant="danger" pendingText="Resetting…">
        Reset two-factor sign-in
      </SubmitButton>
      <FormStatus state={state} />
    </form>
  );
}
