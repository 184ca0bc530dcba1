"use client";

import Link from "next/link";
import { useActionState } from "react";
import { Field } from "@/components/forms/field";
import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { FormStatus } from "@/components/forms/form-status";
import { SubmitButton } from "@/components/forms/submit-button";
import { IDLE, type ActionResult, type FormAction } from "@/lib/actions/result";

type Enrolment = { ticket: string; secret: string; qr: { size: number; d: string } };

/**
 * One component for every state of the page, so the recovery codes an enrolment or a renewal
 * answers with stay on screen when the page re-renders as "on" after it.
 */
export function TwoFactorPanel({
  enrolled,
  recoveryCodesLeft,
  enrolment,
  actions,
  continueHref,
}: {
  enrolled: boolean;
  recoveryCodesLeft: number;
  enrolment: Enrolment | null;
  actions: {
    enrol: FormAction<string[]>;
    remove: FormAction<null>;
    regenerate: FormAction<string[]>;
  };
  continueHref: string;
}) {
  const [enrolState, enrol] = useActionState(actions.enrol, IDLE);
  const [regenState, regenerate] = useActionState(actions.regenerate, IDLE);
  const [removeState, remove] = useActionState(actions.remove, IDLE);
  const codes =
    regenState.status === "ok" ? regenState : enrolState.status === "ok" ? enrolState : null;
  if (codes && enrolled) {
    return <RecoveryCodes state={codes} continueHref={continueHref} />;
  }
  if (!enrolled && enrolment) {
    return (
      <div className="space-y-4">
        <FormStatus state={removeState} />
        <p className="text-sm text-slate-700">
          Scan this QR code with an authenticator app (Google Authenticator, 1Password, Authy…), or
          enter the key by hand, then type the 6-digit code it shows.
        </p>
        <svg
          viewBox={`-4 -4 ${enrolment.qr.size + 8} ${enrolment.qr.size + 8}`}
          className="mx-auto size-52 bg-white"
          role="img"
          aria-label="QR code for your authenticator app"
          data-testid="totp-qr"
        >
          <path d={enrolment.qr.d} fill="#000" />
        </svg>
        <p className="text-center text-sm">
          Key:{" "}
          <code data-testid="totp-secret" className="font-mono break-all">
            {enrolment.secret}
          </code>
        </p>
        <form action={enrol} className="space-y-4" noValidate>
          <input type="hidden" name="enrolment" value={enrolment.ticket} />
          <Field
            name="code"
            label="Code from the app"
            autoComplete="one-time-code"
            inputMode="numeric"
            required
            state={enrolState}
          />
          <AuditCommentField state={enrolState} />
          <FormStatus state={enrolState.status === "error" ? enrolState : IDLE} />
          <SubmitButton pendingText="Checking…">Turn on two-factor sign-in</SubmitButton>
        </form>
      </div>
    );
  }
  return (
    <div className="space-y-6">
      <p className="text-sm text-slate-700" data-testid="totp-status">
        Two-factor sign-in is on. {recoveryCodesLeft} unused recovery{" "}
        {recoveryCodesLeft === 1 ? "code" : "codes"} left.
      </p>
      <form action={regenerate} className="space-y-3" noValidate>
        <h2 className="font-medium">New recovery codes</h2>
        <Field
          name="code"
          label="Current code"
          autoComplete="one-time-code"
          inputMode="numeric"
          required
          state={regenState}
        />
        <AuditCommentField state={regenState} />
        <FormStatus state={regenState} />
        <SubmitButton variant="secondary" pendingText="Issuing…">
          Issue new recovery codes
        </SubmitButton>
      </form>
      <form action={remove} className="space-y-3" noValidate>
        <h2 className="font-medium">Turn off</h2>
        <p className="text-sm text-slate-600">Give a current code or your password.</p>
        <Field
          name="code"
          label="Current code"
          autoComplete="one-time-code"
          inputMode="numeric"
          state={removeState}
        />
        <Field
          name="password"
          label="Password"
          type="password"
          autoComplete="current-password"
          state={removeState}
        />
        <AuditCommentField state={removeState} />
        <FormStatus state={removeState.status === "error" ? removeState : IDLE} />
        <SubmitButton variant="danger" pendingText="Turning off…">
          Turn off two-factor sign-in
        </SubmitButton>
      </form>
    </div>
  );
}

function RecoveryCodes({
  state,
  continueHref,
}: {
  state: Extract<ActionResult<string[]>, { status: "ok" }>;
  continueHref: string;
}) {
  return (
    <div className="space-y-4">
      <FormStatus state={state} />
      <p className="text-sm text-slate-700">
        Each recovery code signs you in once if you lose your device. Keep them somewhere safe: they
        will not be shown again.
      </p>
      <ul
        data-testid="recovery-codes"
        className="grid grid-cols-2 gap-2 rounded-md bg-slate-50 p-4 font-mono text-sm"
      >
        {state.data.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
      <Link href={continueHref} className="text-brand text-sm hover:underline">
        Continue
      </Link>
    </div>
  );
}
