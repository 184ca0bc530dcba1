"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { useState, useTransition } from "react";
import { parseAuditQuery } from "@/lib/search/parse-audit-query";

/**
 * The search box. Enter checks the query here first: a malformed one shows its message next to
 * the box and the results stay as they were; a valid one goes into the URL.
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
    <form role="search" onSubmit={onSubmit} className="min-w-0 flex-1">
      <label htmlFor="audit-search" className="sr-only">
        Search the audit log
      </label>
      <input
        id="audit-search"
        name="q"
        type="search"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        placeholder='Search… e.g. account:1042 action:update "credit limit"'
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? "audit-search-error" : "audit-search-help"}
        className="w-full rounded-md border border-slate-300 px-3 py-2 shadow-sm focus:border-brand focus:ring-2 focus:ring-brand/30 focus:outline-none aria-invalid:border-red-400"
      />
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
