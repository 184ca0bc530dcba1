"use client";

import { useActionState } from "react";
import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { FormStatus } from "@/components/forms/form-status";
import { SubmitButton } from "@/components/forms/submit-button";
import { IDLE, type ActionResult, type FormAction } from "@/lib/actions/result";
import type { AuditCommentMode } from "@/lib/settings/app-settings";

const MODES: { value: AuditCommentMode; label: string; hint: string }[] = [
  { value: "off", label: "Off", hint: "No reason is asked for." },
  { value: "optional", label: "Optional", hint: "Saves ask for a reason; it may be left empty." },
  { value: "required", label: "Required", hint: "A save without a reason is refused." },
];

const AUDIENCES = [
  { name: "auditCommentControlPanel", key: "controlPanel", label: "Control Panel (staff)" },
  { name: "auditCommentPortal", key: "portal", label: "Customer Portal" },
] as const;

/** The operator's security settings: the audit comment per audience and admin two-factor. */
export function SecuritySettingsForm<T>({
  action,
  auditComment,
  adminTotpRequired,
}: {
  action: FormAction<T>;
  auditComment: { controlPanel: AuditCommentMode; portal: AuditCommentMode };
  adminTotpRequired: boolean;
}) {
  const [state, formAction] = useActionState<ActionResult<T>, FormData>(action, IDLE);
  const errorsOf = (name: string) =>
    state.status === "error" ? state.fieldErrors?.[name]?.join(" ") : undefined;
  return (
    <form action={formAction} aria-label="Security settings" className="max-w-2xl space-y-6">
      <section className="space-y-3" aria-labelledby="audit-comment-heading">
        <h2 id="audit-comment-heading" className="font-semibold">
          Audit comment
        </h2>
        <p className="text-sm text-slate-600">
          Whether every save form asks &ldquo;Reason for this change&rdquo;, stored with the audit
          entry (API clients send it in the X-Audit-Comment header).
        </p>
        {AUDIENCES.map((audience) => {
          const error = errorsOf(audience.name);
          return (
            <fieldset
              key={audience.name}
              className="rounded-lg border border-slate-200 bg-white p-3"
              aria-describedby={error ? `${audience.name}-error` : undefined}
            >
              <legend className="px-1 text-sm font-medium">{audience.label}</legend>
              <div className="flex flex-wrap gap-x-6 gap-y-2">
                {MODES.map((m) => (
                  <label key={m.value} className="flex items-start gap-2 text-sm">
                    <input
                      type="radio"
                      name={audience.name}
                      value={m.value}
                      defaultChecked={auditComment[audience.key] === m.value}
                      className="mt-1"
                    />
                    <span>
                      <span className="font-medium">{m.label}</span>
                      <span className="block text-xs text-slate-500">{m.hint}</span>
                    </span>
                  </label>
                ))}
              </div>
              {error ? (
                <p id={`${audience.name}-error`} className="mt-1 text-sm text-red-700">
                  {error}
                </p>
              ) : null}
            </fieldset>
          );
        })}
      </section>

      <section className="space-y-3" aria-labelledby="two-factor-heading">
        <h2 id="two-factor-heading" className="font-semibold">
          Two-factor sign-in
        </h2>
        <label className="flex items-start gap-3 text-sm">
          <input
            type="checkbox"
            role="switch"
            name="adminTotpRequired"
            defaultChecked={adminTotpRequired}
            aria-describedby="admin-totp-hint"
            className="mt-1 h-4 w-4"
          />
          <span>
            <span className="font-medium">Require two-factor sign-in for admins</span>
            <span id="admin-totp-hint" className="block text-xs text-slate-500">
              An admin without a second factor is sent to enrolment after their password.
            </span>
          </span>
        </label>
      </section>

      <AuditCommentField state={state} />
      <FormStatus state={state} />
      <SubmitButton>Save settings</SubmitButton>
    </form>
  );
}
