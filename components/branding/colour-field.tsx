"use client";

import { useRef } from "react";
import type { ActionResult } from "@/lib/actions/result";
import { HEX_COLOR } from "@/lib/branding/colors";

/**
 * A colour as a text field (#rrggbb, the labelled control that is submitted) paired with the
 * browser's colour picker; each updates the other. Both are uncontrolled, so the form's reset
 * after a save brings them back to the stored value.
 */
export function ColourField({
  name,
  label,
  pickerLabel,
  state,
  defaultValue,
}: {
  name: string;
  label: string;
  /** Must not contain `label`, so the label finds only the text field. */
  pickerLabel: string;
  state: ActionResult<unknown>;
  defaultValue: string;
}) {
  const text = useRef<HTMLInputElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const id = `field-${name}`;
  const errors = state.status === "error" ? state.fieldErrors?.[name] : undefined;
  const typed = state.status === "error" ? state.values?.[name] : undefined;
  const value = typeof typed === "string" ? typed : defaultValue;
  const pickerValue = HEX_COLOR.test(value.trim()) ? value.trim().toLowerCase() : "#000000";
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <div className="mt-1 flex items-center gap-2">
        <input
          ref={picker}
          type="color"
          aria-label={pickerLabel}
          defaultValue={pickerValue}
          onChange={(e) => {
            if (text.current) text.current.value = e.target.value;
          }}
          className="h-10 w-12 shrink-0 cursor-pointer rounded-md border border-slate-300 bg-white p-1"
        />
        <input
          ref={text}
          id={id}
          name={name}
          defaultValue={value}
          maxLength={7}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={errors ? true : undefined}
          aria-describedby={errors ? `${id}-error` : `${id}-hint`}
          onChange={(e) => {
            const v = e.target.value.trim();
            if (picker.current && HEX_COLOR.test(v)) picker.current.value = v.toLowerCase();
          }}
          className="block w-full rounded-md border border-slate-300 px-3 py-2 font-mono shadow-sm focus:border-brand focus:ring-2 focus:ring-brand/30 focus:outline-none aria-invalid:border-red-400"
        />
      </div>
      {errors ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {errors.join(" ")}
        </p>
      ) : (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          #rrggbb, e.g. #1d4ed8.
        </p>
      )}
    </div>
  );
}
