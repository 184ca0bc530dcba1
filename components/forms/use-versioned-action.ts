"use client";

import { useActionState } from "react";
import { IDLE, type ActionResult, type FormAction } from "@/lib/actions/result";

/**
 * useActionState for an edit form with optimistic concurrency. `version` is the one to submit
 * next: versions only grow, so the highest seen (the page's, the one a stale save returned with
 * the latest values, the one our last save produced) is the state the form now shows.
 */
export function useVersionedAction<T>(action: FormAction<T>, pageVersion: string | undefined) {
  const [state, formAction] = useActionState<ActionResult<T>, FormData>(action, IDLE);
  const typed = state.status === "error" ? state.values?.version : undefined;
  const saved =
    state.status === "ok" && state.data && typeof state.data === "object" && "version" in state.data
      ? String(state.data.version)
      : undefined;
  const numbers = [pageVersion, typed, saved].map((v) => (typeof v === "string" ? Number(v) : 0));
  const version = String(Math.max(0, ...numbers.filter(Number.isFinite)));
  return { state, formAction, version };
}
