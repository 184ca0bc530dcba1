"use client";

import { useEffect, useRef, useState } from "react";
import { TextAreaField } from "@/components/forms/field";
import type { ActionResult } from "@/lib/actions/result";
import type { CodeEditorHandle, EditorLanguage } from "./code-editor";

// The form kit's input look plus monospace: code is read in columns.
const codeClass =
  "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-xs shadow-sm focus:border-brand focus:ring-2 focus:ring-brand/30 focus:outline-none aria-invalid:border-red-400";

/**
 * A code field of the branding draft: a plain textarea (the form field, and all there is without
 * JavaScript), replaced on screen by a code editor once its script has loaded. The editor is
 * imported here, on demand, so no other page's bundle carries it.
 */
export function CodeField({
  name,
  label,
  language,
  state,
  defaultValue,
  hint,
  rows,
  readOnly = false,
}: {
  name: string;
  label: string;
  language: EditorLanguage;
  state: ActionResult<unknown>;
  defaultValue: string | undefined;
  hint: string;
  rows: number;
  readOnly?: boolean;
}) {
  const wrapper = useRef<HTMLDivElement>(null);
  const editor = useRef<CodeEditorHandle | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  // As the form kit wires the textarea: the error while there is one, else the hint.
  const hasError = state.status === "error" && Boolean(state.fieldErrors?.[name]);
  const describedBy = `field-${name}-${hasError ? "error" : "hint"}`;
  const [mounted, setMounted] = useState(false);

  useEffect(() => {
    let cancelled = false;
    void import("./code-editor").then(({ mountCodeEditor }) => {
      const textarea = wrapper.current?.querySelector("textarea");
      if (cancelled || !textarea) return;
      editor.current = mountCodeEditor({
        textarea,
        language,
        label,
        readOnly,
        onCheck: setProblem,
      });
      setMounted(true);
    });
    return () => {
      cancelled = true;
      editor.current?.destroy();
      editor.current = null;
      setMounted(false);
    };
  }, [language, label, readOnly]);

  useEffect(() => {
    if (mounted) editor.current?.setDescribedBy(describedBy);
  }, [describedBy, mounted]);

  return (
    <div ref={wrapper} data-testid={`code-field-${name}`}>
      <TextAreaField
        name={name}
        label={label}
        state={state}
        defaultValue={defaultValue}
        rows={rows}
        spellCheck={false}
        className={readOnly ? `${codeClass} bg-slate-50 text-slate-600` : codeClass}
        readOnly={readOnly}
        hint={hint}
      />
      {/* The check while typing, in words (the editor underlines the spot). */}
      <p
        role="status"
        data-testid={`code-check-${name}`}
        className="mt-1 text-sm text-red-700 empty:hidden"
      >
        {problem ? `Syntax error: ${problem}` : ""}
      </p>
    </div>
  );
}
