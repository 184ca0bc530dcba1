import type { z } from "zod";
import type { ActionConfig, ActionSpec } from "@/lib/actions/define-action";
import { deliverQueuedSoon } from "@/lib/email/deliver";
import type { BaseUrl } from "@/lib/users/actions";
import { updateContact } from "./contact";
import { PASSWORD_CHANGED } from "@/lib/profile/actions";
import { changePassword } from "@/lib/users/change-password";
import { updateProfile } from "./profile";
import {
  changePasswordSchema,
  invitePortalUserSchema,
  setPortalUserStatusSchema,
  updateContactSchema,
  updateProfileSchema,
} from "./schemas";
import { invitePortalUser, setPortalUserStatus } from "./users";

/**
 * Config and handler of each Customer Portal action, shared by the server actions (through
 * defineAction) and the tests (through runAction). The account always comes from the signed-in
 * user, never from the form.
 */

const portal = <S extends z.ZodType>(schema: S): ActionConfig<S> => ({
  schema,
  permission: "portal:self",
  audience: "portal",
});

export const updateProfileSpec: ActionSpec<typeof updateProfileSchema, number> = {
  config: portal(updateProfileSchema),
  handler: async (input, { db, actor, user }) => {
    const changed = await updateProfile(db, actor, user.id, input);
    return { data: user.id, message: changed ? "Profile saved." : "No changes to save." };
  },
};

export const changePasswordSpec: ActionSpec<typeof changePasswordSchema, number> = {
  config: portal(changePasswordSchema),
  handler: async (input, { db, actor, user }) => {
    await changePassword(db, actor, user.id, input);
    return { data: user.id, message: PASSWORD_CHANGED };
  },
};

export function invitePortalUserSpec(
  baseUrl: BaseUrl,
): ActionSpec<typeof invitePortalUserSchema, number> {
  return {
    config: portal(invitePortalUserSchema),
    handler: async (input, { db, actor, user }) => {
      const id = await invitePortalUser(db, actor, user, input, await baseUrl());
      await deliverQueuedSoon(db);
      return {
        data: id,
        message: `Invited ${input.email}. They will get an email with a link to set a password.`,
      };
    },
  };
}

export const setPortalUserStatusSpec: ActionSpec<typeof setPortalUserStatusSchema, number> = {
  config: portal(setPortalUserStatusSchema),
  handler: async (input, { db, actor, user }) => {
    await setPortalUserStatus(db, actor, user, input.userId, input.status);
    return {
      data: input.userId,
      message: input.status === "disabled" ? "User disabled." : "User enabled.",
    };
  },
};

export const updateContactSpec: ActionSpec<typeof updateContactSchema, { version: number }> = {
  config: portal(updateContactSchema),
  handler: async (input, { db, actor, user }) => {
    const { version, changed } = await updateContact(db, actor, user, input);
    return {
      data: { version },
      message: changed ? "Contact details saved." : "No changes to save.",
    };
  },
};
