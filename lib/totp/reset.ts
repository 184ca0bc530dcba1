import { z } from "zod";
import { operation } from "@/lib/actions/operation";
import { isPortalRole } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { clearSecondFactor } from "./enrolment";

const resetSchema = z.object({ userId: z.coerce.number().int().positive() });

/**
 * An administrator resets another user's second factor (a lost phone and lost recovery codes):
 * the user signs in with the password alone and can enrol again. Not oneself: that is the
 * profile's "Turn off", which asks for a code or the password.
 */
export const resetTotpOperation = operation({
  schema: resetSchema,
  permission: "users:manage",
  audience: "staff",
  run: async (input, { db, actor, user }) => {
    if (input.userId === user.id) {
      throw new AppError("Turn off your own two-factor sign-in on your profile.", "forbidden");
    }
    await clearSecondFactor(
      db,
      actor,
      input.userId,
      (u) =>
        `Reset two-factor sign-in of ${isPortalRole(u.role) ? "portal user" : "user"} ${u.name} <${u.email}>`,
    );
    return { data: input.userId, message: "Two-factor sign-in reset. They can enrol again." };
  },
  revalidate: (id) => [`/users/${id}`, "/users"],
});
