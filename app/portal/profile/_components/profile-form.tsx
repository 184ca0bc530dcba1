"use client";

import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { useActionState } from "react";
import { Field, SelectField } from "@/components/forms/field";
import { FormStatus } from "@/components/forms/form-status";
import { SubmitButton } from "@/components/forms/submit-button";
import { IDLE, type ActionResult, type FormAction } from "@/lib/actions/result";

export function ProfileForm({
  action,
  name,
  timeZone,
  timeZones,
}: {
  action: FormAction<number>;
  name: string;
  timeZone: string;
  timeZones: readonly string[];
}) {
  const [state, formAction] = useActionState<ActionResult<number>, FormData>(action, IDLE);
  return (
    <form action={formAction} aria-label="Profile" className="space-y-3" noValidate>
      <div className="grid max-w-3xl gap-3 sm:grid-cols-2">
        <Field
          name="name"
          label="Name"
          state={state}
          defaultValue={name}
          required
          maxLength={100}
          autoComplete="name"
        />
        <SelectField
          name="timeZone"
          label="Time zone"
          state={state}
          defaultValue={timeZone}
          options={timeZones.map((z) => ({ value: z, label: z.replaceAll("_", " ") }))}
          hint="Dates and times in the portal are shown in this zone."
        />
      </div>
      <FormStatus state={state} />
      <AuditCommentField state={state} />
      <SubmitButton>Save profile</SubmitButton>
    </form>
  );
}
