import { z } from "zod";
import { STAFF_ROLES, USER_ROLES } from "@/db/schema";

const id = (message: string) => z.coerce.number({ error: message }).int(message).positive(message);

/** An optional id from a select: "" means none. */
const optionalId = z
  .union([z.string(), z.number()])
  .optional()
  .transform((v) => (v === undefined || v === "" ? null : Number(v)))
  .pipe(z.number().int().positive("Choose an account.").nullable());

export const inviteUserSchema = z.object({
  name: z.string().trim().min(1, "Enter a name.").max(200, "Keep the name under 200 characters."),
  email: z
    .string()
    .trim()
    .toLowerCase()
    .email("Enter a valid email address.")
    .max(254, "Enter a valid email address."),
  role: z.enum(USER_ROLES, { error: "Choose a role." }),
  accountId: optionalId,
  /** A checkbox: FormData carries "on" when ticked and nothing otherwise. Portal roles only. */
  portalAdmin: z
    .literal("on", { error: "Tick the box or leave it empty." })
    .optional()
    .transform(Boolean),
});
/** `portalAdmin` may be left out by callers that never grant it (the portal's own invitations). */
export type InviteUserInput = Omit<z.infer<typeof inviteUserSchema>, "portalAdmin"> & {
  portalAdmin?: boolean;
};

export const changeRoleSchema = z.object({
  userId: id("Choose a user."),
  role: z.enum(STAFF_ROLES, { error: "Choose a staff role." }),
});

export const setStatusSchema = z.object({
  userId: id("Choose a user."),
  status: z.enum(["active", "disabled"], { error: "Choose enable or disable." }),
});

export const setPortalAdminSchema = z.object({
  userId: id("Choose a user."),
  portalAdmin: z
    .enum(["true", "false"], { error: "Choose make or remove." })
    .transform((v) => v === "true"),
});

export const userIdSchema = z.object({ userId: id("Choose a user.") });

export const MIN_PASSWORD_LENGTH = 12;

export const setPasswordSchema = z
  .object({
    token: z.string().min(1, "This link is incomplete.").max(200, "This link is not valid."),
    password: z
      .string()
      .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`)
      .max(1024, "Use at most 1024 characters."),
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, {
    path: ["confirm"],
    message: "The passwords do not match.",
  });

/** Changing one's own password: the current one first, the new one twice. */
export const changePasswordSchema = z
  .object({
    currentPassword: z
      .string({ error: "Enter your current password." })
      .min(1, "Enter your current password.")
      .max(1024, "Use at most 1024 characters."),
    newPassword: z
      .string({ error: `Use at least ${MIN_PASSWORD_LENGTH} characters.` })
      .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`)
      .max(1024, "Use at most 1024 characters."),
    confirmPassword: z.string({ error: "Repeat the new password." }),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "The passwords do not match.",
  });
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>;
