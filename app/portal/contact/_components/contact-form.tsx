"use client";

import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { Field, TextAreaField } from "@/components/forms/field";
import { FormStatus } from "@/components/forms/form-status";
import { SubmitButton } from "@/components/forms/submit-button";
import { useVersionedAction } from "@/components/forms/use-versioned-action";
import type { FormAction } from "@/lib/actions/result";

/**
 * The contact details a portal admin may change. The hidden version refuses a save over someone
 * else's newer change; the refused save comes back with the latest values in the fields.
 */
export function ContactForm<T>({
  action,
  values,
}: {
  action: FormAction<T>;
  values: Record<string, string>;
}) {
  const { state, formAction, version } = useVersionedAction(action, values.version);
  return (
    <form action={formAction} aria-label="Contact details" className="space-y-3" noValidate>
      <input type="hidden" name="version" value={version} />
      <div className="grid max-w-3xl grid-cols-1 gap-4 sm:grid-cols-2">
        <Field
          name="billingEmail"
          label="Billing email"
          type="email"
          state={state}
          defaultValue={values.billingEmail}
          hint="Invoices and statements go here."
        />
        <Field
          name="country"
          label="Country"
          state={state}
          defaultValue={values.country}
          maxLength={2}
          hint="2-letter code, e.g. GB."
        />
        <div className="sm:col-span-2">
          <TextAreaField
            name="address"
            label="Address"
            state={state}
            defaultValue={values.address}
            rows={3}
            maxLength={500}
          />
        </div>
      </div>
      <FormStatus state={state} />
      <AuditCommentField state={state} />
      <SubmitButton>Save contact details</SubmitButton>
    </form>
  );
}
