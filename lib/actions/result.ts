/** What an operation answers a form with: importable by client components (no server code). */
export type ActionResult<T> =
  | { status: "idle" }
  | { status: "ok"; data: T; message?: string }
  | {
      status: "error";
      error: string;
      fieldErrors?: Record<string, string[]>;
      /** What the user typed, or after a stale save the record as stored now. */
      values?: Record<string, string | string[]>;
    };

export const IDLE: ActionResult<never> = { status: "idle" };

/** A server action for `useActionState(action, IDLE)`: what every form in the app is given. */
export type FormAction<T> = (prev: ActionResult<T>, formData: FormData) => Promise<ActionResult<T>>;
