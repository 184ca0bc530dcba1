"use client";

import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { Field } from "@/components/forms/field";
import { FormStatus } from "@/components/forms/form-status";
import { SubmitButton } from "@/components/forms/submit-button";
import { useActionState, useState } from "react";
import type { FormAction } from "@/lib/actions/result";
import { IDLE, type ActionResult } from "@/lib/actions/result";
import { baseFieldName, BRANDING_LIMITS, DRAFT_FORM_FIELDS } from "@/lib/branding/schemas";
import { CodeField } from "./code-field";
import { ColourField } from "./colour-field";
import { FeatureSwitches } from "./feature-switches";

/**
 * The branding draft form. Hidden base_* fields carry what each field showed when it was loaded,
 * so the save writes only what this editor changed and reports a conflict where a colleague
 * changed the same field meanwhile (lib/branding/draft.ts). After a failed save the fields keep
 * what was typed and the base what was loaded; after a successful one React resets the fields to
 * the page's fresh values, and the base follows them. Between saves the base stays as loaded,
 * even if the page re-renders after an upload elsewhere on it.
 */
export function DraftForm<T>({
  action,
  values,
  customJsEditable,
}: {
  action: FormAction<T>;
  values: Record<string, string>;
  /** Without the custom-JavaScript permission the field is shown read-only (the server refuses too). */
  customJsEditable: boolean;
}) {
  const [state, formAction] = useActionState<ActionResult<T>, FormData>(action, IDLE);
  const [loaded, setLoaded] = useState(values);
  const [seen, setSeen] = useState(state);
  if (state !== seen) {
    setSeen(state);
    if (state.status === "ok") setLoaded(values);
  }
  const base = (field: string) => {
    const echoed = state.status === "error" ? state.values?.[field] : undefined;
    return typeof echoed === "string" ? echoed : (loaded[field] ?? "");
  };
  return (
    <form action={formAction} data-testid="branding-draft-form" noValidate>
      {DRAFT_FORM_FIELDS.map((f) => (
        <input key={f} type="hidden" name={baseFieldName(f)} value={base(baseFieldName(f))} />
      ))}
      <div className="grid max-w-4xl grid-cols-1 gap-4 sm:grid-cols-2">
        <Field
          name="portalName"
          label="Portal name"
          state={state}
          defaultValue={values.portalName}
          maxLength={BRANDING_LIMITS.portalName}
          required
        />
        <Field
          name="supportEmail"
          label="Support email"
          state={state}
          defaultValue={values.supportEmail}
          type="email"
          hint="Optional. Shown to portal users as the place to ask for help."
        />
        <ColourField
          name="primaryColor"
          label="Primary colour"
          pickerLabel="Colour picker for primary"
          state={state}
          defaultValue={values.primaryColor ?? ""}
        />
        <ColourField
          name="accentColor"
          label="Accent colour"
          pickerLabel="Colour picker for accent"
          state={state}
          defaultValue={values.accentColor ?? ""}
        />
        <FeatureSwitches state={state} values={values} />
        <div className="sm:col-span-2">
          <CodeField
            name="footerHtml"
            label="Footer (HTML)"
            language="html"
            state={state}
            defaultValue={values.footerHtml}
            rows={4}
            hint={`Up to ${BRANDING_LIMITS.footerHtml.toLocaleString("en-US")} characters. Scripts, event handlers and other unsafe markup are removed when saving.`}
          />
        </div>
        <div className="sm:col-span-2">
          <CodeField
            name="customCss"
            label="Custom CSS"
            language="css"
            state={state}
            defaultValue={values.customCss}
            rows={8}
            hint="Loaded after the portal's own styles on every portal page. Checked for syntax errors before saving."
          />
        </div>
        <div className="sm:col-span-2">
          <CodeField
            name="customJs"
            label="Custom JavaScript"
            language="js"
            state={state}
            defaultValue={values.customJs}
            rows={8}
            readOnly={!customJsEditable}
            hint={
              customJsEditable
                ? "Runs in the browser of every portal user, on every portal page, once published. It is not run in the preview. Checked for syntax errors before saving."
                : "Read-only for your role: custom JavaScript runs in every portal user's browser, so only admins change it."
            }
          />
        </div>
      </div>
      <div className="mt-4 flex flex-wrap items-center gap-3">
        <AuditCommentField state={state} />
        <SubmitButton>Save draft</SubmitButton>
        <FormStatus state={state} />
      </div>
    </form>
  );
}
