"use client";

import { AuditCommentField } from "@/components/forms/audit-comment-field";
import { useActionState, useState } from "react";
import { FormStatus } from "@/components/forms/form-status";
import { SubmitButton } from "@/components/forms/submit-button";
import { IDLE, type FormAction } from "@/lib/actions/result";
import { tooLargeMessage } from "@/lib/branding/image-limits";

/** The draft's logo or favicon: what is set now, an upload field, and Remove when set. */
export function ImageForm({
  kind,
  label,
  current,
  hint,
  accept,
  uploadAction,
  removeAction,
}: {
  kind: "logo" | "favicon";
  label: string;
  current: { url: string; width: number | null; height: number | null } | null;
  hint: string;
  /** A hint for the file picker only: the server checks the type by content. */
  accept: string;
  uploadAction: FormAction<{ assetId: number }>;
  removeAction: FormAction<null>;
}) {
  const [upload, uploadFormAction] = useActionState(uploadAction, IDLE);
  const [remove, removeFormAction] = useActionState(removeAction, IDLE);
  // One status line for both forms: the outcome of whichever was submitted last.
  const [last, setLast] = useState<"upload" | "remove">("upload");
  const [tooBig, setTooBig] = useState<string | null>(null);
  const id = `field-${kind}-file`;
  const errors = tooBig
    ? [tooBig]
    : upload.status === "error"
      ? upload.fieldErrors?.file
      : undefined;
  return (
    <div
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4"
      data-testid={`branding-${kind}`}
    >
      <div className="flex min-h-16 items-center gap-3">
        {current ? (
          <>
            {/* Served by content hash from our own route; next/image would only proxy it. */}
            {/* eslint-disable-next-line @next/next/no-img-element */}
            <img
              src={current.url}
              alt={`Current ${kind}`}
              className="max-h-16 max-w-60 rounded border border-slate-100 bg-slate-50 p-1"
            />
            {current.width && current.height ? (
              <span className="text-xs text-slate-500">
                {current.width}×{current.height}
              </span>
            ) : null}
          </>
        ) : (
          <span className="text-sm text-slate-500">No {kind} set.</span>
        )}
      </div>
      <form
        action={(formData) => {
          setLast("upload");
          // Checked here too: a file far over the limit would be cut off by the request size
          // limit before the server could say so.
          const file = formData.get("file");
          const tooLarge = file instanceof File ? tooLargeMessage(kind, file.size) : null;
          setTooBig(tooLarge);
          if (tooLarge) return;
          uploadFormAction(formData);
        }}
        className="space-y-2"
      >
        <input type="hidden" name="kind" value={kind} />
        <div>
          <label htmlFor={id} className="block text-sm font-medium text-slate-700">
            {label}
          </label>
          <input
            id={id}
            type="file"
            name="file"
            accept={accept}
            aria-invalid={errors ? true : undefined}
            aria-describedby={errors ? `${id}-error` : `${id}-hint`}
            className="mt-1 block w-full text-sm file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm"
          />
          {errors ? (
            <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
              {errors.join(" ")}
            </p>
          ) : (
            <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
              {hint}
            </p>
          )}
        </div>
        <AuditCommentField state={upload} />
        <SubmitButton pendingText="Uploading…">Upload {kind}</SubmitButton>
      </form>
      {current ? (
        <form
          action={(formData) => {
            setLast("remove");
            removeFormAction(formData);
          }}
        >
          <input type="hidden" name="kind" value={kind} />
          <AuditCommentField state={remove} />
          <SubmitButton variant="secondary" pendingText="Removing…">
            Remove {kind}
          </SubmitButton>
        </form>
      ) : null}
      <FormStatus state={last === "upload" ? upload : remove} />
    </div>
  );
}
