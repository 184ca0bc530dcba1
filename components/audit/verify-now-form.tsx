"use client";

import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { useActionState } from "react";
import { FormStatus } from "@/components/forms/form-status";
import { SubmitButton } from "@/components/forms/submit-button";
import { IDLE, type ActionResult, type FormAction } from "@/lib/actions/result";
import type { VerifyNowResult } from "@/lib/audit-integrity/verify-operation";

/** "Verify now": runs the chain's verification; the page re-renders with the new result. */
export function VerifyNowForm({ action }: { action: FormAction<VerifyNowResult> }) {
  const [state, formAction] = useActionState<ActionResult<VerifyNowResult>, FormData>(action, IDLE);
  return (
    <form action={formAction} aria-label="Verify the audit log" className="space-y-3">
      <p className="text-sm text-slate-600">
        Recomputes every sealed entry&rsquo;s hash and the chain&rsquo;s links, then compares the
        head with the latest external checkpoint. The run is itself recorded in the audit log.
      </p>
      <AuditCommentField state={state} />
      <SubmitButton pendingText="Verifying…">Verify now</SubmitButton>
      {state.status === "ok" ? (
        // The run worked either way; what it found decides the tone.
        <p
          role="status"
          data-testid="verify-result"
          className={`rounded-md px-3 py-2 text-sm ${
            state.data.ok ? "bg-green-50 text-green-800" : "bg-red-50 text-red-700"
          }`}
        >
          {state.message}
        </p>
      ) : (
        <FormStatus state={state} />
      )}
    </form>
  );
}
