import { z } from "zod";
import { INGRESS_STATUSES } from "@/db/schema";
import { countField, idField, optionalText, versionField } from "@/lib/accounts/schemas";
import { parseAllowedIps } from "./allowed-ips";

/** One zod schema per ingress-route form; the textarea of IPs becomes a normalised CIDR list. */

const allowedIps = z
  .string()
  .optional()
  .transform((text, ctx) => {
    const { cidrs, errors } = parseAllowedIps(text ?? "");
    // Every bad line is named, so the user can fix them all in one go.
    for (const message of errors) ctx.addIssue({ code: "custom", message });
    return cidrs;
  });

const ingressFields = {
  name: z.string().trim().min(1, "Enter a name.").max(120, "At most 120 characters."),
  techPrefix: z
    .string()
    .trim()
    .optional()
    .transform((v) => v ?? "")
    .pipe(
      z
        .string()
        .max(16, "At most 16 characters.")
        .regex(/^[0-9#]*$/, "Use digits and # only."),
    ),
  allowedIps,
  channels: countField(),
  cps: countField(),
  maxDurationS: z.coerce
    .number({ error: "Enter a number." })
    .int("Enter a whole number of seconds.")
    .min(1, "Must be more than 0.")
    .max(2_147_483_647, "Too large."),
  status: z.enum(INGRESS_STATUSES, { error: "Choose active or disabled." }),
  notes: optionalText(4000),
};

export const createIngressSchema = z.object({ accountId: idField(), ...ingressFields });
export type CreateIngressInput = z.infer<typeof createIngressSchema>;

export const updateIngressSchema = z.object({
  id: idField(),
  version: versionField(),
  ...ingressFields,
});
export type UpdateIngressInput = z.infer<typeof updateIngressSchema>;

export const deleteIngressSchema = z.object({ id: idField() });
