"use client";

import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { useActionState, useState } from "react";
import { Field, SelectField } from "@/components/forms/field";
import { FormStatus } from "@/components/forms/form-status";
import { SubmitButton } from "@/components/forms/submit-button";
import { IDLE, type ActionResult, type FormAction } from "@/lib/actions/result";
import type { GeneratedKey } from "@/lib/api-keys/keys";

/**
 * The secret exists only in this action's response: it is shown here once and lost on reload,
 * because the server keeps nothing but its hash.
 */
export function GenerateForm({ action }: { action: FormAction<GeneratedKey> }) {
  const [state, formAction] = useActionState<ActionResult<GeneratedKey>, FormData>(action, IDLE);
  const [copied, setCopied] = useState<string | null>(null);
  const secret = state.status === "ok" ? state.data.secret : null;
  return (
    <div className="space-y-4">
      <form action={formAction} aria-label="Generate an API key" className="space-y-3" noValidate>
        <div className="grid gap-3 sm:grid-cols-3">
          <Field name="name" label="Name" state={state} required autoComplete="off" />
          <SelectField
            name="scope"
            label="Scope"
            state={state}
            defaultValue="read"
            options={[
              { value: "read", label: "Read" },
              { value: "read_write", label: "Read and write" },
            ]}
          />
          <Field
            name="expiresAt"
            label="Expires (optional)"
            type="date"
            state={state}
            hint="Works through the end of that day (UTC)."
          />
        </div>
        <FormStatus state={state} />
        <AuditCommentField state={state} />
        <SubmitButton pendingText="Generating…">Generate key</SubmitButton>
      </form>
      {secret ? (
        <div
          data-testid="new-api-key"
          className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-4"
        >
          <p className="text-sm font-medium text-amber-900">
            Copy this key now. It is shown only once and cannot be recovered.
          </p>
          <div className="flex items-center gap-2">
            <code
              data-testid="api-key-secret"
              className="flex-1 rounded bg-white px-3 py-2 font-mono text-sm break-all select-all"
            >
              {secret}
            </code>
            <button
              type="button"
              className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm"
              onClick={() => {
                // Fire and forget: a refused clipboard leaves the button as it was, and the
                // secret stays on screen to copy by hand.
                void navigator.clipboard.writeText(secret).then(
                  () => setCopied(secret),
                  () => {},
                );
              }}
            >
              {copied === secret ? "Copied" : "Copy"}
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
