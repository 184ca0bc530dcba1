"use client";

import { useActionState } from "react";
import { Field } from "@/components/forms/field";
import { FormStatus } from "@/components/forms/form-status";
import { SubmitButton } from "@/components/forms/submit-button";
import { IDLE } from "@/lib/actions/result";
import { secondFactorAction, signInAction, type SignInState } from "../actions";

export function LoginForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, action] = useActionState<SignInState, FormData>(signInAction, IDLE);
  if (state.status === "ok") return <SecondFactorForm callbackUrl={callbackUrl} />;
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

/** The second step, after a right password: a code from the app or a recovery code. */
function SecondFactorForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, action] = useActionState<SignInState, FormData>(secondFactorAction, IDLE);
  const banner = state.status === "error" && !state.fieldErrors ? state : IDLE;
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <p className="text-sm text-slate-700">
        Enter the 6-digit code from your authenticator app, or one of your recovery codes.
      </p>
      <Field
        name="code"
        label="Two-factor code"
        autoComplete="one-time-code"
        inputMode="text"
        required
        state={state}
      />
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input type="checkbox" name="remember" className="rounded border-slate-300" />
        Remember this device for 30 days
      </label>
      <FormStatus state={banner} />
      <div className="[&>button]:w-full">
        <SubmitButton pendingText="Checking…">Verify</SubmitButton>
      </div>
    </form>
  );
}
