import { isUniqueViolation } from "@/db/errors";
import { AppError } from "@/lib/errors";

/** Shown when the edited record changed since the form was opened (optimistic locking). */
export const STALE_ACCOUNT_MESSAGE =
  "This account was changed by someone else since you opened it. The form now shows the latest values: check them and save again.";

/** A duplicate account name (unique on lower(name)) as a field error instead of a crash. */
export function duplicateNameError(err: unknown, name: string): AppError | null {
  if (!isUniqueViolation(err, "accounts_name_key")) return null;
  return new AppError("Check the highlighted fields.", "conflict", {
    name: [`An account named "${name}" already exists.`],
  });
}
