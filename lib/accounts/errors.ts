import { isUniqueViolation } from "@/db/errors";
import { StaleRecordError } from "@/lib/audit/core";
import { AppError } from "@/lib/errors";

/** Shown when the edited record changed since the form was opened (optimistic locking). */
export const STALE_ACCOUNT_MESSAGE =
  "This account was changed by someone else since you opened it. The form now shows the latest values: check them and save again.";
export const STALE_INGRESS_MESSAGE =
  "This ingress route was changed by someone else since you opened it. The form now shows the latest values: check them and save again.";

/** A refused stale save; `latest` is the row as it is now, for the form to show. */
class StaleEditError extends AppError {
  constructor(
    message: string,
    readonly latest: Record<string, unknown>,
  ) {
    super(message, "conflict");
  }
}

/** Turns the core's StaleRecordError into a user-facing error; other errors pass through. */
export function asStaleEdit(err: unknown, message: string): unknown {
  return err instanceof StaleRecordError ? new StaleEditError(message, err.latest) : err;
}

/** A duplicate account name (unique on lower(name)) as a field error instead of a crash. */
export function duplicateNameError(err: unknown, name: string): AppError | null {
  if (!isUniqueViolation(err, "accounts_name_key")) return null;
  return new AppError("Check the highlighted fields.", "conflict", {
    name: [`An account named "${name}" already exists.`],
  });
}
