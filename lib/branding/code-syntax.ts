import { parse as parseJs } from "acorn";
import { CssSyntaxError, parse as parseCss } from "postcss";

/**
 * The syntax check of the branding's custom CSS and JavaScript, shared by the Branding page's
 * editors (inline diagnostics while typing) and the draft's schema (a save with an error is
 * refused): one parser per language, so the editor never passes what the server refuses.
 *
 * CSS: postcss, the parser the build already uses for Tailwind. It throws on what breaks a style
 * sheet for the rest of the file (an unclosed block, comment or string, a stray `}`), while
 * tolerating what browsers skip declaration by declaration (unknown properties, odd values).
 * css-tree, the alternative, recovers from a missing brace silently, which is the mistake this
 * check is for.
 *
 * JavaScript: acorn, as the portal loads the script: a classic script (next/script, no
 * type="module"), in today's syntax.
 */

export type CodeLanguage = "css" | "js";

export type CodeSyntaxError = {
  /** 1-based, as editors number lines. */
  line: number;
  /** 1-based. */
  column: number;
  /** The parser's reason, without position and cut short: it may quote the input. */
  reason: string;
};

// A parser's reason may quote a word or identifier from the input: long enough to recognise it,
// never the size of the code.
const REASON_MAX = 120;

const shortReason = (reason: string) => {
  const flat = reason.replace(/\s+/g, " ").trim();
  return flat.length > REASON_MAX ? `${flat.slice(0, REASON_MAX - 1)}…` : flat;
};

function checkCss(code: string): CodeSyntaxError | null {
  try {
    parseCss(code);
    return null;
  } catch (err) {
    if (!(err instanceof CssSyntaxError)) throw err;
    return { line: err.line ?? 1, column: err.column ?? 1, reason: shortReason(err.reason) };
  }
}

type AcornError = SyntaxError & { loc?: { line: number; column: number } };

function checkJs(code: string): CodeSyntaxError | null {
  try {
    parseJs(code, { ecmaVersion: "latest", sourceType: "script" });
    return null;
  } catch (err) {
    const loc = (err as AcornError).loc;
    if (!(err instanceof SyntaxError) || !loc) throw err;
    // Acorn appends "(line:column)" with a 0-based column; the position is reported on its own.
    const reason = err.message.replace(/\s*\(\d+:\d+\)$/, "");
    return { line: loc.line, column: loc.column + 1, reason: shortReason(reason) };
  }
}

/** The first syntax error in `code`, or null when it parses (blank code always does). */
export function checkCodeSyntax(language: CodeLanguage, code: string): CodeSyntaxError | null {
  return language === "css" ? checkCss(code) : checkJs(code);
}

/** "Line 3, column 1: Unclosed block": the field error a refused save shows. */
export const describeSyntaxError = (e: CodeSyntaxError) =>
  `Line ${e.line}, column ${e.column}: ${e.reason}`;
