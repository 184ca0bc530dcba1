"use client";

import { useActionState } from "react";
import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { ConfirmDialog } from "@/components/forms/confirm-dialog";
import { SubmitButton } from "@/components/forms/submit-button";
import { IDLE, type ActionResult, type FormAction } from "@/lib/actions/result";

function Outcome({ state }: { state: ActionResult<unknown> }) {
  if (state.status === "ok") {
    return (
      <p role="status" className="text-sm text-green-800">
        {state.message}
      </p>
    );
  }
  if (state.status === "error") {
    const fromId = state.fieldErrors?.fromId?.join(" ");
    return (
      <p role="status" className="text-sm text-red-700">
        {fromId ?? state.error}
      </p>
    );
  }
  return null;
}

/** One destination's buttons: send a test, pause or enable, replay from an id, delete. */
export function DestinationActions({
  id,
  name,
  enabled,
  nextFromId,
  actions,
}: {
  id: number;
  name: string;
  enabled: boolean;
  /** The first entry not yet delivered: the replay field's default and its upper bound. */
  nextFromId: number;
  actions: {
    test: FormAction<number>;
    setEnabled: FormAction<number>;
    replay: FormAction<number>;
    remove: FormAction<number>;
  };
}) {
  const [testState, test] = useActionState<ActionResult<number>, FormData>(actions.test, IDLE);
  const [enableState, setEnabled] = useActionState<ActionResult<number>, FormData>(
    actions.setEnabled,
    IDLE,
  );
  const [replayState, replay] = useActionState<ActionResult<number>, FormData>(
    actions.replay,
    IDLE,
  );
  const [removeState, remove] = useActionState<ActionResult<number>, FormData>(
    actions.remove,
    IDLE,
  );
  const removeFormId = `delete-destination-${id}`;
  const fromField = `replay-from-${id}`;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <form action={test} aria-label={`Send a test to ${name}`}>
          <input type="hidden" name="id" value={id} />
          <AuditCommentField state={testState} />
          <SubmitButton variant="secondary" pendingText="Sending…">
            Send test
          </SubmitButton>
        </form>
        <form action={setEnabled} aria-label={`${enabled ? "Pause" : "Enable"} ${name}`}>
          <input type="hidden" name="id" value={id} />
          <input type="hidden" name="enabled" value={enabled ? "false" : "true"} />
          <AuditCommentField state={enableState} />
          <SubmitButton variant="secondary" pendingText="Saving…">
            {enabled ? "Pause" : "Enable"}
          </SubmitButton>
        </form>
        <a
          href={`?edit=${id}`}
          className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm hover:bg-slate-50"
        >
          Edit
        </a>
        <form id={removeFormId} action={remove} aria-label={`Delete ${name}`}>
          <input type="hidden" name="id" value={id} />
        </form>
        <ConfirmDialog
          trigger="Delete"
          title={`Delete ${name}?`}
          description="Nothing more is sent to it. Entries already delivered stay where they are."
          confirmLabel="Delete destination"
          formId={removeFormId}
        >
          <AuditCommentField state={removeState} form={removeFormId} />
        </ConfirmDialog>
      </div>
      <Outcome state={testState} />
      <Outcome state={enableState} />
      <Outcome state={removeState} />
      <form
        action={replay}
        aria-label={`Replay ${name}`}
        className="flex flex-wrap items-end gap-2"
      >
        <input type="hidden" name="id" value={id} />
        <div>
          <label htmlFor={fromField} className="block text-sm font-medium text-slate-700">
            Replay from entry id
          </label>
          <input
            id={fromField}
            name="fromId"
            type="number"
            min={1}
            max={nextFromId}
            defaultValue={nextFromId}
            aria-invalid={replayState.status === "error" ? true : undefined}
            className="mt-1 block w-40 rounded-md border border-slate-300 px-3 py-2 shadow-sm"
          />
        </div>
        <AuditCommentField state={replayState} />
        <SubmitButton variant="secondary" pendingText="Replaying…">
          Replay
        </SubmitButton>
      </form>
      <Outcome state={replayState} />
    </div>
  );
}
