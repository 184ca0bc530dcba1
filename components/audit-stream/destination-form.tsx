"use client";

import { useActionState, useState } from "react";
import { Field, SelectField } from "@/components/forms/field";
import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { FormStatus } from "@/components/forms/form-status";
import { SubmitButton } from "@/components/forms/submit-button";
import { IDLE, type ActionResult, type FormAction } from "@/lib/actions/result";

const KINDS = [
  { value: "webhook", label: "HTTPS webhook" },
  { value: "syslog", label: "Syslog (RFC 5424)" },
  { value: "file", label: "NDJSON file" },
] as const;

export type DestinationFormValues = Record<string, string>;

/**
 * Adds a destination, or edits one (`editing`: its id, version and fields). Only the chosen
 * kind's fields are shown and sent. The secret is never sent to the page: on an edit, blank
 * keeps the current one.
 */
export function DestinationForm<T>({
  action,
  editing,
  fileDestinations,
}: {
  action: FormAction<T>;
  editing?: {
    id: number;
    version: number;
    name: string;
    fields: DestinationFormValues;
    hasSecret: boolean;
  };
  fileDestinations: boolean;
}) {
  const [state, formAction] = useActionState<ActionResult<T>, FormData>(action, IDLE);
  const values = editing?.fields ?? {};
  const [kind, setKind] = useState(values.kind ?? "webhook");
  return (
    <form
      action={formAction}
      aria-label={editing ? `Edit ${editing.name}` : "Add a destination"}
      className="space-y-3"
      noValidate
    >
      {editing ? (
        <>
          <input type="hidden" name="id" value={editing.id} />
          <input type="hidden" name="version" value={editing.version} />
        </>
      ) : null}
      <div className="grid gap-3 sm:grid-cols-2">
        <Field
          name="name"
          label="Name"
          state={state}
          defaultValue={values.name}
          required
          autoComplete="off"
        />
        <SelectField
          name="kind"
          label="Kind"
          state={state}
          defaultValue={kind}
          options={KINDS.filter((k) => k.value !== "file" || fileDestinations || kind === "file")}
          onChange={(e) => setKind(e.currentTarget.value)}
        />
        {kind === "webhook" ? (
          <>
            <Field
              name="url"
              label="URL"
              type="url"
              state={state}
              defaultValue={values.url}
              hint="https:// only. Entries are POSTed as JSON, signed with the secret."
              autoComplete="off"
            />
            <Field
              name="secret"
              label="Signing secret"
              type="password"
              state={state}
              autoComplete="new-password"
              hint={
                editing?.hasSecret
                  ? "Leave blank to keep the current secret."
                  : "At least 16 characters; the receiver verifies the signature with it."
              }
            />
            <Field
              name="batchSize"
              label="Entries per request"
              type="number"
              min={1}
              max={500}
              state={state}
              defaultValue={values.batchSize ?? "100"}
              hint="1 sends one entry per request."
            />
          </>
        ) : null}
        {kind === "syslog" ? (
          <>
            <Field
              name="host"
              label="Host"
              state={state}
              defaultValue={values.host}
              autoComplete="off"
            />
            <Field
              name="port"
              label="Port"
              type="number"
              min={1}
              max={65535}
              state={state}
              defaultValue={values.port ?? "6514"}
            />
            <SelectField
              name="transport"
              label="Transport"
              state={state}
              defaultValue={values.transport ?? "tls"}
              options={[
                { value: "tls", label: "TLS" },
                { value: "tcp", label: "TCP (unencrypted)" },
              ]}
            />
          </>
        ) : null}
        {kind === "file" ? (
          <Field
            name="fileName"
            label="File name"
            state={state}
            defaultValue={values.fileName}
            hint="A file name only: it is written in the folder the operator set (AUDIT_STREAM_FILE_DIR)."
            autoComplete="off"
          />
        ) : null}
      </div>
      <AuditCommentField state={state} />
      <FormStatus state={state} />
      <SubmitButton pendingText="Saving…">
        {editing ? "Save destination" : "Add destination"}
      </SubmitButton>
    </form>
  );
}
