"use client";

import { useActionState } from "react";
import { Field } from "@/components/forms/field";
import { FormStatus } from "@/components/forms/form-status";
import { SubmitButton } from "@/components/forms/submit-button";
import { IDLE, type ActionResult } from "@/lib/actions/result";
import { signInAction } from "../actions";

export function LoginForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, action] = useActionState<ActionResult<never>, FormData>(signInAction, IDLE);
  // A field-level problem is shown at the field; only the sign-in outcome goes in the banner.
  const banner = state.status === "error" && !state.fieldErrors ? state : IDLE;
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Field
        name="email"
        label="Email"
        type="email"
        autoComplete="username"
        required
        state={state}
      />
      <Field
        name="password"
        label="Password"
        type="password"
        autoComplete="current-password"
        required
        state={state}
      />
      <FormStatus state={banner} />
      <div className="[&>button]:w-full">
        <SubmitButton pendingText="Signing in…">Sign in</SubmitButton>
      </div>
    </form>
  );
}
