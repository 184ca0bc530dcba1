"use client";

import Link from "next/link";
import { useActionState } from "react";
import { Field } from "@/components/forms/field";
import { SubmitButton } from "@/components/forms/submit-button";
import { setPasswordAction, type SetPasswordState } from "../actions";

export function SetPasswordForm({ token, minLength }: { token: string; minLength: number }) {
  const [state, action] = useActionState<SetPasswordState, FormData>(setPasswordAction, {});
  if (state.done) {
    return (
      <div className="space-y-3">
        <p role="status" className="rounded-md bg-green-50 px-3 py-2 text-sm text-green-800">
          Your password is set.
        </p>
        <Link href="/login" className="text-brand underline">
          Sign in
        </Link>
      </div>
    );
  }
  // Field errors only: the form never echoes what was typed into password fields.
  const result = state.fieldErrors
    ? ({ status: "error", error: "", fieldErrors: state.fieldErrors } as const)
    : undefined;
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="token" value={token} />
      <Field
        name="password"
        label="New password"
        type="password"
        autoComplete="new-password"
        state={result}
        hint={`At least ${minLength} characters.`}
        required
      />
      <Field
        name="confirm"
        label="Repeat the password"
        type="password"
        autoComplete="new-password"
        state={result}
        required
      />
      {state.error ? (
        <p role="status" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {state.error}
        </p>
      ) : null}
      <SubmitButton pendingText="Saving…">Set password</SubmitButton>
    </form>
  );
}
