/** What a server action returns to its form: importable by client components (no server code). */
export type ActionResult<T> =
  | { status: "idle" }
  | { status: "ok"; data: T; message?: string }
  | {
      status: "error";
      error: string;
      fieldErrors?: Record<string, string[]>;
      /** What the user typed, so the form can show it again. */
      values?: Record<string, string | string[]>;
    };

export const IDLE: ActionResult<never> = { status: "idle" };
