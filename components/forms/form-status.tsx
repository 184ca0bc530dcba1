import type { ActionResult } from "@/lib/actions/result";

/** The outcome of the last submit: a success note or the form-level error, announced politely. */
export function FormStatus({ state }: { state: ActionResult<unknown> }) {
  if (state.status === "ok" && state.message) {
    return (
      <p
        role="status"
        data-testid="form-success"
        className="rounded-md bg-green-50 px-3 py-2 text-sm text-green-800"
      >
        {state.message}
      </p>
    );
  }
  if (state.status === "error") {
    return (
      <p
        role="status"
        data-testid="form-error"
        className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700"
      >
        {state.error}
      </p>
    );
  }
  return null;
}
