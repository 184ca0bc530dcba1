"use client";

import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { Field, SelectField, TextAreaField } from "@/components/forms/field";
import { FormStatus } from "@/components/forms/form-status";
import { SubmitButton } from "@/components/forms/submit-button";
import { useVersionedAction } from "@/components/forms/use-versioned-action";
import type { FormAction } from "@/lib/actions/result";

/**
 * The account form: create (type and currency chosen) or edit (currency fixed, hidden version
 * for the stale-save check). After a stale save the action returns the latest values, which the
 * fields and the hidden version pick up from `state.values`.
 */
export function AccountForm<T>({
  action,
  values,
  mode,
}: {
  action: FormAction<T>;
  values: Record<string, string>;
  mode: "create" | "edit";
}) {
  const { state, formAction, version } = useVersionedAction(action, values.version);
  return (
    <form action={formAction} aria-label={mode === "create" ? "New account" : "Account details"}>
      <div className="grid max-w-3xl grid-cols-1 gap-4 sm:grid-cols-2">
        {mode === "edit" ? (
          <>
            <input type="hidden" name="id" value={values.id} />
            <input type="hidden" name="version" value={version} />
          </>
        ) : (
          <SelectField
            name="type"
            label="Type"
            state={state}
            defaultValue={values.type ?? "customer"}
            options={[
              { value: "customer", label: "Customer" },
              { value: "carrier", label: "Carrier" },
            ]}
          />
        )}
        <Field name="name" label="Name" state={state} defaultValue={values.name} required />
        <Field
          name="currency"
          label="Currency"
          state={state}
          defaultValue={values.currency ?? "USD"}
          readOnly={mode === "edit"}
          hint={mode === "edit" ? "Fixed when the account was created." : "ISO code, e.g. USD."}
          maxLength={3}
        />
        <Field
          name="creditLimit"
          label="Credit limit"
          state={state}
          defaultValue={values.creditLimit ?? "0"}
          inputMode="decimal"
        />
        <Field
          name="channels"
          label="Channels"
          state={state}
          defaultValue={values.channels ?? "0"}
          inputMode="numeric"
        />
        <Field
          name="cps"
          label="Calls per second"
          state={state}
          defaultValue={values.cps ?? "0"}
          inputMode="numeric"
        />
        <Field
          name="billingEmail"
          label="Billing email"
          state={state}
          defaultValue={values.billingEmail}
          type="email"
        />
        <Field
          name="country"
          label="Country"
          state={state}
          defaultValue={values.country}
          maxLength={2}
          hint="2-letter code, e.g. GB."
        />
        <TextAreaField
          name="notesPublic"
          label="Public notes"
          state={state}
          defaultValue={values.notesPublic}
          hint="Shown in the customer portal."
        />
        <TextAreaField
          name="notesPrivate"
          label="Private notes"
          state={state}
          defaultValue={values.notesPrivate}
          hint="Never shown in the portal."
        />
      </div>
      <div className="mt-4 flex items-center gap-3">
        <AuditCommentField state={state} />
        <SubmitButton>{mode === "create" ? "Create account" : "Save"}</SubmitButton>
        <FormStatus state={state} />
      </div>
    </form>
  );
}
