"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef, useState, useTransition } from "react";
import { parseAuditQuery } from "@/lib/search/parse-audit-query";

/**
 * Whether a "/" typed now is meant for the page rather than for a field: no modifier held, and
 * focus not in anything that takes text (an input, a textarea, a select or an editable element)
 * nor in a dialog or menu, which keep focus until they close.
 */
function isSearchShortcut(event: KeyboardEvent): boolean {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return false;
  if (event.defaultPrevented || event.isComposing) return false;
  const target = event.target;
  if (!(target instanceof HTMLElement)) return true;
  return !(
    target.isContentEditable ||
    target.closest('input, textarea, select, [contenteditable], [role="dialog"], [role="menu"]')
  );
}

/**
 * The search box. Enter checks the query here first: a malformed one shows its message next to
 * the box and the results stay as they were; a valid one goes into the URL. "/" anywhere else on
 * the page moves focus into the box (the badge in it says so).
 */
export function SearchBox({
  initial,
  serverError,
  timeZone,
}: {
  initial: string;
  serverError: string | null;
  timeZone: string;
}) {
  const router = useRouter();
  const searchParams = useSearchParams();
  const [value, setValue] = useState(initial);
  const [error, setError] = useState<string | null>(serverError);
  const [pending, startTransition] = useTransition();
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (!isSearchShortcut(event)) return;
      // Kept out of the box: the "/" only moves focus.
      event.preventDefault();
      inputRef.current?.focus();
      inputRef.current?.select();
    }
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, []);

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = parseAuditQuery(value, { timeZone });
    if (!parsed.ok) {
      setError(parsed.error);
      return;
    }
    setError(null);
    const next = new URLSearchParams(searchParams.toString());
    if (value.trim()) next.set("q", value.trim());
    else next.delete("q");
    next.delete("cursor");
    next.delete("nav");
    const qs = next.toString();
    startTransition(() => router.push(qs ? `?${qs}` : "?"));
  }

  return (
    <form role="search" onSubmit={onSubmit} className="relative min-w-0 flex-1">
      <label htmlFor="audit-search" className="sr-only">
        Search the audit log
      </label>
      <input
        ref={inputRef}
        id="audit-search"
        name="q"
        type="search"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        placeholder='Search… e.g. account:1042 action:update "credit limit"'
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? "audit-search-error" : "audit-search-help"}
        aria-keyshortcuts="/"
        className="peer w-full rounded-md border border-slate-300 py-2 pr-9 pl-3 shadow-sm focus:border-brand focus:ring-2 focus:ring-brand/30 focus:outline-none aria-invalid:border-red-400"
      />
      {/* The shortcut's hint, gone while the box has focus (it would sit on the typed text). */}
      <kbd
        aria-hidden="true"
        className="pointer-events-none absolute top-2 right-2 rounded border border-slate-300 bg-slate-50 px-1.5 font-mono text-xs leading-5 text-slate-600 peer-focus:hidden"
      >
        /
      </kbd>
      {error ? (
        <p id="audit-search-error" data-testid="search-error" className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : (
        <p id="audit-search-help" className="mt-1 text-xs text-slate-500">
          Qualifiers: user: ip: action: table: pk: account: ingress: comment: after: before: —
          several words must all match.{pending ? " Searching…" : ""}
        </p>
      )}
    </form>
  );
}
