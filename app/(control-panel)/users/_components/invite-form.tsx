"use client";

import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { useActionState, useState } from "react";
import { Field, SelectField } from "@/components/forms/field";
import { FormStatus } from "@/components/forms/form-status";
import { SubmitButton } from "@/components/forms/submit-button";
import { IDLE, type ActionResult, type FormAction } from "@/lib/actions/result";

type Option = { value: string; label: string };

/**
 * Invite form: the account select and the "Portal administrator" box appear only for portal
 * roles (the account select filtered to matching accounts); the server refuses the box for staff.
 */
export function InviteForm({
  action,
  roles,
  accounts,
}: {
  action: FormAction<number>;
  roles: readonly Option[];
  accounts: readonly { id: number; name: string; type: string }[];
}) {
  const [state, formAction] = useActionState<ActionResult<number>, FormData>(action, IDLE);
  const typedRole = state.status === "error" ? state.values?.role : undefined;
  const [role, setRole] = useState(typeof typedRole === "string" ? typedRole : "support");
  const portal = role === "customer" || role === "carrier";
  // A checkbox is in the FormData ("on") only when ticked; keep it ticked after a failed submit.
  const typedAdmin = state.status === "error" && state.values?.portalAdmin === "on";
  const adminErrors = state.status === "error" ? state.fieldErrors?.portalAdmin : undefined;
  const accountOptions = [
    { value: "", label: "Choose an account…" },
    ...accounts
      .filter((a) => a.type === role)
      .map((a) => ({ value: String(a.id), label: `${a.name} (${a.id})` })),
  ];
  return (
    <form action={formAction} aria-label="Invite a user" className="space-y-3" noValidate>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field name="name" label="Name" state={state} required autoComplete="off" />
        <Field name="email" label="Email" type="email" state={state} required autoComplete="off" />
        <SelectField
          name="role"
          label="Role"
          state={state}
          defaultValue={role}
          options={roles}
          onChange={(e) => setRole(e.target.value)}
        />
        {portal ? (
          <SelectField
            key={role}
            name="accountId"
            label="Account"
            state={state}
            options={accountOptions}
          />
        ) : null}
      </div>
      {portal || adminErrors ? (
        <div>
          <label className="flex items-center gap-2 text-sm font-medium text-slate-700">
            <input
              type="checkbox"
              name="portalAdmin"
              defaultChecked={typedAdmin}
              disabled={!portal}
              aria-invalid={adminErrors ? true : undefined}
              aria-describedby={adminErrors ? "field-portalAdmin-error" : "field-portalAdmin-hint"}
              className="size-4 rounded border-slate-300"
            />
            Portal administrator
          </label>
          {adminErrors ? (
            <p id="field-portalAdmin-error" className="mt-1 text-sm text-red-700">
              {adminErrors.join(" ")}
            </p>
          ) : (
            <p id="field-portalAdmin-hint" className="mt-1 text-xs text-slate-500">
              Can invite and disable the account&apos;s portal users and edit its contact details.
            </p>
          )}
        </div>
      ) : null}
      <FormStatus state={state} />
      <AuditCommentField state={state} />
      <SubmitButton pendingText="Inviting…">Send invitation</SubmitButton>
    </form>
  );
}
