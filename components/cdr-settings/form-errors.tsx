import { IDLE, type ActionResult, type FormAction } from "@/lib/actions/result";

/** A form's outcome: the success note, or the error with every field error under it. */
export function FormErrors({ state }: { state: ActionResult<unknown> }) {
  if (state.status === "ok") {
    return (
      <p role="status" data-testid="form-success" className="text-sm text-green-700">
        {state.message}
      </p>
    );
  }
  if (state.status !== "error") return <p role="status" className="sr-only" />;
  const errors = Object.values(state.fieldErrors ?? {}).flat();
  return (
    <div role="status" data-testid="form-error" className="text-sm text-red-700">
      <p>{state.error}</p>
      {errors.length > 0 ? (
        <ul className="list-disc pl-5">
          {errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** What the user submitted when the last save failed, else undefined (use the stored value). */
export function typedValue(state: ActionResult<unknown>, name: string) {
  return state.status === "error" ? state.values?.[name] : undefined;
}

/** The read-only view's stand-in: hooks need an action, and this one is never bound to a form. */
export const noAction: FormAction<unknown> = async (): Promise<ActionResult<unknown>> => IDLE;
