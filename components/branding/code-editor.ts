import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { css } from "@codemirror/lang-css";
import { html } from "@codemirror/lang-html";
import { javascript } from "@codemirror/lang-javascript";
import {
  bracketMatching,
  HighlightStyle,
  indentOnInput,
  syntaxHighlighting,
} from "@codemirror/language";
import { linter, lintKeymap, type Diagnostic } from "@codemirror/lint";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { Compartment, EditorState, type Extension } from "@codemirror/state";
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { tags as t } from "@lezer/highlight";
import {
  checkCodeSyntax,
  describeSyntaxError,
  type CodeSyntaxError,
} from "@/lib/branding/code-syntax";

/**
 * The Branding page's code editor (CodeMirror 6), loaded by code-field.tsx with a dynamic import
 * so only that page downloads it. The textarea stays the form field: the editor starts from its
 * value, writes every change back to it, and follows it when the form is reset after a save.
 */

export type EditorLanguage = "html" | "css" | "js";

export type CodeEditorOptions = {
  textarea: HTMLTextAreaElement;
  language: EditorLanguage;
  label: string;
  readOnly: boolean;
  /** The current syntax error (null when the code parses), after each check while typing. */
  onCheck: (error: string | null) => void;
};

export type CodeEditorHandle = {
  setDescribedBy: (id: string | undefined) => void;
  destroy: () => void;
};

// Tailwind's 700–800 shades: every colour keeps 4.5:1 on white and on the active line (axe).
const highlight = HighlightStyle.define([
  { tag: [t.keyword, t.modifier, t.controlKeyword, t.operatorKeyword], color: "#6d28d9" },
  { tag: [t.comment, t.meta], color: "#475569", fontStyle: "italic" },
  { tag: [t.string, t.special(t.string), t.regexp], color: "#166534" },
  { tag: [t.number, t.bool, t.null, t.atom, t.unit], color: "#9a3412" },
  { tag: [t.propertyName, t.attributeName], color: "#1d4ed8" },
  { tag: [t.tagName, t.className, t.typeName], color: "#9f1239" },
  { tag: [t.definition(t.variableName), t.function(t.variableName)], color: "#1e40af" },
  { tag: t.invalid, color: "#b91c1c" },
]);

const theme = EditorView.theme({
  "&": {
    marginTop: "0.25rem",
    border: "1px solid #cbd5e1",
    borderRadius: "0.375rem",
    fontSize: "0.75rem",
    backgroundColor: "#ffffff",
  },
  "&.cm-focused": { outline: "2px solid var(--color-brand, #1d4ed8)", outlineOffset: "1px" },
  ".cm-scroller": { minHeight: "8rem", maxHeight: "24rem", overflow: "auto" },
  ".cm-content": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace" },
  ".cm-gutters": { backgroundColor: "#f8fafc", color: "#475569", borderRight: "1px solid #e2e8f0" },
  ".cm-activeLine": { backgroundColor: "#f1f5f9" },
  ".cm-activeLineGutter": { backgroundColor: "#e2e8f0", color: "#0f172a" },
});

const languageOf = (language: EditorLanguage) =>
  language === "css" ? css() : language === "js" ? javascript() : html();

// CodeMirror positions from the checker's 1-based line and column, kept inside the document.
function diagnosticOf(view: EditorView, error: CodeSyntaxError): Diagnostic {
  const doc = view.state.doc;
  const line = doc.line(Math.min(Math.max(error.line, 1), doc.lines));
  const from = Math.min(line.from + error.column - 1, line.to);
  return {
    from,
    to: Math.max(from, line.to),
    severity: "error",
    message: describeSyntaxError(error),
  };
}

/** Shows the editor in place of the textarea (which stays in the form, hidden). */
export function mountCodeEditor(options: CodeEditorOptions): CodeEditorHandle {
  const { textarea, language, readOnly, onCheck } = options;
  const described = new Compartment();
  const describedByAttrs = (id: string | undefined) =>
    EditorView.contentAttributes.of(id ? { "aria-describedby": id } : {});

  const checks: Extension =
    language === "html"
      ? []
      : linter(
          (view) => {
            const error = checkCodeSyntax(language, view.state.doc.toString());
            onCheck(error && describeSyntaxError(error));
            return error ? [diagnosticOf(view, error)] : [];
          },
          { delay: 300 },
        );

  const view = new EditorView({
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        history(),
        drawSelection(),
        indentOnInput(),
        syntaxHighlighting(highlight),
        bracketMatching(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        // Tab is deliberately not bound: it moves focus on, as in any form field.
        keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap, ...lintKeymap]),
        languageOf(language),
        checks,
        theme,
        EditorState.readOnly.of(readOnly),
        EditorView.contentAttributes.of({
          "aria-label": options.label,
          // Editable content is focusable anyway; the explicit tabindex tells checkers such as
          // axe that the scrolling area around it can be reached by keyboard.
          tabindex: "0",
          ...(readOnly ? { "aria-readonly": "true" } : {}),
        }),
        described.of([]),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) textarea.value = update.state.doc.toString();
        }),
      ],
    }),
  });
  // Where the textarea was, before its hint or error (which stay the field's description).
  textarea.after(view.dom);
  textarea.hidden = true;

  // After a successful save React resets the form: the textarea takes the saved value, and the
  // editor follows once the reset is done (the event fires before it).
  const form = textarea.form;
  const onReset = () =>
    setTimeout(() => {
      const value = textarea.value;
      if (value !== view.state.doc.toString()) {
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value } });
      }
    });
  form?.addEventListener("reset", onReset);

  return {
    setDescribedBy: (id) => view.dispatch({ effects: described.reconfigure(describedByAttrs(id)) }),
    destroy: () => {
      form?.removeEventListener("reset", onReset);
      view.destroy();
      textarea.hidden = false;
    },
  };
}
