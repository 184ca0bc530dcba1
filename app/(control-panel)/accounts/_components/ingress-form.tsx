"use client";

import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { Field, SelectField, TextAreaField } from "@/components/forms/field";
import { FormStatus } from "@/components/forms/form-status";
import { SubmitButton } from "@/components/forms/submit-button";
import { useVersionedAction } from "@/components/forms/use-versioned-action";
import type { FormAction } from "@/lib/actions/result";

/** Add (under `accountId`) or edit (with hidden id and version) an ingress route. */
export function IngressForm<T>({
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
    <form
      action={formAction}
      aria-label={mode === "create" ? "New ingress route" : "Ingress route"}
    >
      {mode === "edit" ? (
        <>
          <input type="hidden" name="id" value={values.id} />
          <input type="hidden" name="version" value={version} />
        </>
      ) : (
        <input type="hidden" name="accountId" value={values.accountId} />
      )}
      <div className="grid max-w-3xl grid-cols-1 gap-4 sm:grid-cols-2">
        <Field name="name" label="Route name" state={state} defaultValue={values.name} />
        <Field
          name="techPrefix"
          label="Tech prefix"
          state={state}
          defaultValue={values.techPrefix}
          hint="Digits and # only, up to 16."
        />
        <TextAreaField
          name="allowedIps"
          label="Allowed IPs"
          state={state}
          defaultValue={values.allowedIps}
          rows={4}
          hint="One IP address or CIDR per line."
        />
        <SelectField
          name="status"
          label="Status"
          state={state}
          defaultValue={values.status ?? "active"}
          options={[
            { value: "active", label: "Active" },
            { value: "disabled", label: "Disabled" },
          ]}
        />
        <Field
          name="channels"
          label="Route channels"
          state={state}
          defaultValue={values.channels ?? "0"}
        />
        <Field name="cps" label="Route CPS" state={state} defaultValue={values.cps ?? "0"} />
        <Field
          name="maxDurationS"
          label="Max call duration (s)"
          state={state}
          defaultValue={values.maxDurationS ?? "7200"}
        />
        <TextAreaField name="notes" label="Notes" state={state} defaultValue={values.notes} />
      </div>
      <div className="mt-4 flex items-center gap-3">
        <AuditCommentField state={state} />
        <SubmitButton>{mode === "create" ? "Add ingress route" : "Save route"}</SubmitButton>
        <FormStatus state={state} />
      </div>
    </form>
  );
}
