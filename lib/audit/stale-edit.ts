import { AppError } from "@/lib/errors";
import { StaleRecordError } from "./core";

/**
 * A refused stale save, as the user sees it: the message says the record changed since the form
 * was opened, and `latest` is the row as it is now (read under the lock), which the operation
 * turns back into the form's fields so the user starts again from what is stored.
 */
export class StaleEditError extends AppError {
  constructor(
    message: string,
    readonly latest: Record<string, unknown>,
  ) {
    super(message, "conflict");
  }
}

/** Turns the core's StaleRecordError into a StaleEditError with `message`; others pass through. */
export function asStaleEdit(err: unknown, message: string): unknown {
  return err instanceof StaleRecordError ? new StaleEditError(message, err.latest) : err;
}
