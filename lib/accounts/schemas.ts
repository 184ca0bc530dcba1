import { z } from "zod";
import { ACCOUNT_TYPES } from "@/db/schema";

/**
 * One zod schema per account form. FormData only carries strings, so every number is coerced
 * here with its own message: "abc" must become a field error, never NaN in the database.
 */

const NUMBER_MESSAGE = "Enter a number.";

/** A whole number ≥ 0 from a form field ("" counts as 0: the forms default these to 0). */
export const countField = () =>
  z.coerce
    .number({ error: NUMBER_MESSAGE })
    .int("Enter a whole number.")
    .min(0, "Must be 0 or more.")
    .max(2_147_483_647, "Too large.");

/** Money as the numeric(14,2) column wants it: a string with two decimals, never a float. */
const moneyField = () =>
  z.coerce
    .number({ error: NUMBER_MESSAGE })
    .min(0, "Must be 0 or more.")
    .max(999_999_999_999.99, "Too large.")
    .transform((n) => n.toFixed(2));

/**
 * Optional free text: blank becomes null so the column is cleared rather than set to "". Line
 * ends become \n: browsers submit textareas with \r\n, which would otherwise make every save of
 * untouched multi-line text a recorded change.
 */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters.`)
    .optional()
    .transform((v) => (v ? v.replace(/\r\n?/g, "\n") : null));

/** A record's id from a hidden field or a route segment. */
export const idField = () => z.coerce.number({ error: "Missing record id." }).int().positive();

/** The version the form was rendered with (optimistic locking). */
export const versionField = () =>
  z.coerce.number({ error: "Missing record version." }).int().min(1, "Missing record version.");

/** An optional email address (blank clears it); the Control Panel and the portal share it. */
export const billingEmailField = () =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : null))
    .pipe(
      z.email("Enter a valid email address.").max(254, "Enter a valid email address.").nullable(),
    );

/** An optional ISO 3166 alpha-2 country code, upper-cased. */
export const countryField = () =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v.toUpperCase() : null))
    .pipe(
      z
        .string()
        .regex(/^[A-Z]{2}$/, "Use the 2-letter country code (e.g. GB).")
        .nullable(),
    );

const accountFields = {
  name: z.string().trim().min(1, "Enter a name.").max(120, "At most 120 characters."),
  creditLimit: moneyField(),
  channels: countField(),
  cps: countField(),
  billingEmail: billingEmailField(),
  country: countryField(),
  notesPublic: optionalText(4000),
  notesPrivate: optionalText(4000),
};

export const createAccountSchema = z.object({
  type: z.enum(ACCOUNT_TYPES, { error: "Choose customer or carrier." }),
  currency: z
    .string()
    .trim()
    .transform((v) => v.toUpperCase())
    .pipe(z.string().regex(/^[A-Z]{3}$/, "Use the 3-letter ISO currency code (e.g. USD).")),
  ...accountFields,
});
export type CreateAccountInput = z.infer<typeof createAccountSchema>;

export const updateAccountSchema = z.object({
  id: idField(),
  version: versionField(),
  // Shown read-only in the form; accepted only so a changed value is refused with a clear reason.
  currency: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v.toUpperCase() : undefined)),
  ...accountFields,
});
export type UpdateAccountInput = z.infer<typeof updateAccountSchema>;

export const setAccountStatusSchema = z.object({
  id: idField(),
  status: z.enum(["active", "suspended"], { error: "Choose suspend or reactivate." }),
});
export type SetAccountStatusInput = z.infer<typeof setAccountStatusSchema>;

export const deleteAccountSchema = z.object({ id: idField() });
