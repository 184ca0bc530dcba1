"use client";

import { createContext, useContext, useId } from "react";
import type { ActionResult } from "@/lib/actions/result";
import type { AuditCommentMode } from "@/lib/settings/app-settings";

// Mirrors lib/actions/audit-comment.ts (a server module): the field name and the limit.
const FIELD = "auditComment";
const MAX = 500;

const ModeContext = createContext<AuditCommentMode>("off");

/** The audit comment mode for this app's audience, read by the layout on the server. */
export function AuditCommentProvider({
  mode,
  children,
}: {
  mode: AuditCommentMode;
  children: React.ReactNode;
}) {
  return <ModeContext.Provider value={mode}>{children}</ModeContext.Provider>;
}

/**
 * "Reason for this change", in every form that saves: nothing when the setting is off, marked
 * required (attribute and asterisk) when a save needs one. The server checks it either way.
 */
export function AuditCommentField({
  state,
  form,
}: {
  state?: ActionResult<unknown>;
  /** The form's id when the field is rendered outside it (in a confirmation dialog). */
  form?: string;
}) {
  const mode = useContext(ModeContext);
  // Unique per form: a page may show several forms, each with its own reason.
  const id = useId();
  if (mode === "off") return null;
  const errors = state?.status === "error" ? state.fieldErrors?.[FIELD] : undefined;
  const typed = state?.status === "error" ? state.values?.[FIELD] : undefined;
  const required = mode === "required";
  return (
    <div className="w-full">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        Reason for this change
        {required ? (
          <span aria-hidden="true" className="text-red-700">
            {" "}
            *
          </span>
        ) : (
          <span className="font-normal text-slate-500"> (optional)</span>
        )}
      </label>
      <textarea
        id={id}
        name={FIELD}
        form={form}
        rows={2}
        maxLength={MAX}
        required={required}
        defaultValue={typeof typed === "string" ? typed : ""}
        aria-invalid={errors ? true : undefined}
        aria-describedby={errors ? `${id}-error` : `${id}-hint`}
        className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand focus:ring-2 focus:ring-brand/30 focus:outline-none aria-invalid:border-red-400"
      />
      {errors ? (
        <p
          id={`${id}-error`}
          className="mt-1 text-sm text-red-700"
          data-testid="audit-comment-error"
        >
          {errors.join(" ")}
        </p>
      ) : (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          Recorded with the audit entry; up to {MAX} characters.
        </p>
      )}
    </div>
  );
}
