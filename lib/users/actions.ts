import type { ActionSpec } from "@/lib/actions/define-action";
import { deliverQueuedSoon } from "@/lib/email/deliver";
import {
  changeRoleSchema,
  inviteUserSchema,
  setPortalAdminSchema,
  setStatusSchema,
  userIdSchema,
} from "./schemas";
import { changeRole, inviteUser, sendPasswordReset, setPortalAdmin, setUserStatus } from "./users";

/**
 * Config and handler of each user-management action, shared by the server actions (through
 * defineAction) and the tests (through runAction), so both exercise the same role checks.
 */

/** Where set-password links point: APP_URL, else the request's own origin. */
export type BaseUrl = () => Promise<string>;

export function inviteUserSpec(baseUrl: BaseUrl): ActionSpec<typeof inviteUserSchema, number> {
  return {
    config: { schema: inviteUserSchema, permission: "users:manage", audience: "staff" },
    handler: async (input, { db, actor }) => {
      const id = await inviteUser(db, actor, input, await baseUrl());
      await deliverQueuedSoon(db);
      return { data: id, message: `Invited ${input.email}. The invitation is in the outbox.` };
    },
  };
}

export const changeRoleSpec: ActionSpec<typeof changeRoleSchema, number> = {
  config: { schema: changeRoleSchema, permission: "users:manage", audience: "staff" },
  handler: async (input, { db, actor }) => {
    await changeRole(db, actor, input.userId, input.role);
    return { data: input.userId, message: "Role changed." };
  },
};

export const setStatusSpec: ActionSpec<typeof setStatusSchema, number> = {
  config: { schema: setStatusSchema, permission: "users:manage", audience: "staff" },
  handler: async (input, { db, actor }) => {
    await setUserStatus(db, actor, input.userId, input.status);
    return {
      data: input.userId,
      message: input.status === "disabled" ? "User disabled." : "User enabled.",
    };
  },
};

export const setPortalAdminSpec: ActionSpec<typeof setPortalAdminSchema, number> = {
  config: { schema: setPortalAdminSchema, permission: "users:manage", audience: "staff" },
  handler: async (input, { db, actor }) => {
    await setPortalAdmin(db, actor, input.userId, input.portalAdmin);
    return {
      data: input.userId,
      message: input.portalAdmin
        ? "Made a portal administrator."
        : "No longer a portal administrator.",
    };
  },
};

export function passwordResetSpec(baseUrl: BaseUrl): ActionSpec<typeof userIdSchema, number> {
  return {
    config: { schema: userIdSchema, permission: "users:manage", audience: "staff" },
    handler: async (input, { db, actor }) => {
      await sendPasswordReset(db, actor, input.userId, await baseUrl());
      await deliverQueuedSoon(db);
      return { data: input.userId, message: "Password reset email sent." };
    },
  };
}
