import { z } from "zod";
import {
  billingEmailField,
  countryField,
  optionalText,
  versionField,
} from "@/lib/accounts/schemas";

/** Form schemas of the Customer Portal's own pages: profile, password, colleagues, contact. */

/**
 * The zones the profile offers. "UTC" leads because it is every user's default and the runtime's
 * list (canonical IANA zones only) leaves it out.
 */
export const TIME_ZONES: readonly string[] = [
  "UTC",
  ...Intl.supportedValuesOf("timeZone").filter((z) => z !== "UTC"),
];
const timeZoneSet = new Set(TIME_ZONES);

/**
 * Listed, or an Area/Location name the runtime knows under another spelling: its list has
 * "Asia/Calcutta" where other systems store "Asia/Kolkata", and a saved zone must stay saveable.
 */
function isKnownTimeZone(zone: string): boolean {
  if (timeZoneSet.has(zone)) return true;
  if (!/^[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const personName = z
  .string()
  .trim()
  .min(1, "Enter a name.")
  .max(100, "Keep the name to 100 characters or fewer.");

const email = z
  .string()
  .trim()
  .toLowerCase()
  .email("Enter a valid email address.")
  .max(254, "Enter a valid email address.");

const id = (message: string) => z.coerce.number({ error: message }).int(message).positive(message);

export const updateProfileSchema = z.object({
  name: personName,
  timeZone: z
    .string({ error: "Choose a time zone." })
    .refine(isKnownTimeZone, "Choose a time zone from the list."),
});
export type UpdateProfileInput = z.infer<typeof updateProfileSchema>;

export const invitePortalUserSchema = z.object({ name: personName, email });
export type InvitePortalUserInput = z.infer<typeof invitePortalUserSchema>;

export const setPortalUserStatusSchema = z.object({
  userId: id("Choose a user."),
  status: z.enum(["active", "disabled"], { error: "Choose enable or disable." }),
});

export const updateContactSchema = z.object({
  version: versionField(),
  billingEmail: billingEmailField(),
  address: optionalText(500),
  country: countryField(),
});
export type UpdateContactInput = z.infer<typeof updateContactSchema>;
