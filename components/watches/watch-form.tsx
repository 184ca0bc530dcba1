"use client";

import { useActionState, useState } from "react";
import { Field, SelectField } from "@/components/forms/field";
import { FormStatus } from "@/components/forms/form-status";
import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { SubmitButton } from "@/components/forms/submit-button";
import { IDLE, type ActionResult, type FormAction } from "@/lib/actions/result";
import type { CreatedWatch } from "@/lib/watches/watches";

type Initial = {
  id?: number;
  name?: string;
  query: string;
  channel?: "email" | "webhook";
  webhookUrl?: string | null;
  active?: boolean;
};

/**
 * Creates a watch, or edits one (`initial.id`). A webhook's secret is write-only: shown here once
 * when saved (generated when left empty), never read back; left empty on edit, it is kept.
 */
export function WatchForm({
  action,
  initial,
  email,
}: {
  action: FormAction<CreatedWatch>;
  initial: Initial;
  /** Where email notifications go: the signed-in user's own address. */
  email: string;
}) {
  const [state, formAction] = useActionState<ActionResult<CreatedWatch>, FormData>(action, IDLE);
  const typedChannel = state.status === "error" ? state.values?.channel : undefined;
  const [channel, setChannel] = useState<string>(
    typeof typedChannel === "string" ? typedChannel : (initial.channel ?? "email"),
  );
  const editing = initial.id !== undefined;
  const secret = state.status === "ok" ? state.data.secret : null;
  const idSuffix = initial.id ?? "new";
  return (
    <div className="space-y-3">
      <form
        action={formAction}
        aria-label={editing ? `Edit watch ${initial.name ?? ""}` : "New watch"}
        className="space-y-3"
        data-testid={`watch-form-${idSuffix}`}
        noValidate
      >
        {editing ? <input type="hidden" name="id" value={initial.id} /> : null}
        <div className="grid gap-3 sm:grid-cols-2">
          <Field
            name="name"
            label="Name"
            state={state}
            defaultValue={initial.name ?? ""}
            required
            autoComplete="off"
          />
          <Field
            name="query"
            label="Search"
            state={state}
            defaultValue={initial.query}
            autoComplete="off"
            hint="The audit page's search language; empty watches everything you can see."
          />
          <SelectField
            name="channel"
            label="Notify by"
            state={state}
            defaultValue={channel}
            onChange={(e) => setChannel(e.target.value)}
            options={[
              { value: "email", label: `Email to ${email}` },
              { value: "webhook", label: "Webhook (signed HTTPS POST)" },
            ]}
          />
          {channel === "webhook" ? (
            <>
              <Field
                name="webhookUrl"
                label="Webhook URL"
                type="url"
                state={state}
                defaultValue={initial.webhookUrl ?? ""}
                placeholder="https://"
                autoComplete="off"
              />
              <Field
                name="webhookSecret"
                label="Signing secret"
                type="password"
                state={state}
                autoComplete="new-password"
                hint={
                  editing
                    ? "Leave empty to keep the current secret."
                    : "Leave empty to have one generated (shown once)."
                }
              />
            </>
          ) : null}
        </div>
        {editing ? (
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="active" defaultChecked={initial.active ?? true} />
            Active
          </label>
        ) : null}
        <AuditCommentField state={state} />
        <FormStatus state={state} />
        <SubmitButton pendingText="Saving…">{editing ? "Save" : "Save watch"}</SubmitButton>
      </form>
      {secret ? (
        <div
          data-testid="watch-secret"
          className="space-y-1 rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm"
        >
          <p className="font-medium text-amber-900">
            The webhook&apos;s signing secret, shown only now:
          </p>
          <code className="block rounded bg-white px-2 py-1 font-mono break-all select-all">
            {secret}
          </code>
        </div>
      ) : null}
    </div>
  );
}
