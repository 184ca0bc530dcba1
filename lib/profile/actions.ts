import { z } from "zod";
import type { ActionSpec } from "@/lib/actions/define-action";
import { endUserSessions } from "@/lib/auth/user-sessions";
import { changePassword } from "@/lib/users/change-password";
import { changePasswordSchema } from "@/lib/users/schemas";

/**
 * The signed-in user's own sign-in, in either app: their password (the portal has its own spec
 * with the portal's permission) and their sessions. Shared by the server actions and the tests.
 */

export const PASSWORD_CHANGED = "Password changed. Your other sessions were signed out.";

/** A staff user changes their own password on /profile; all their sessions end. */
export const changeOwnPasswordSpec: ActionSpec<typeof changePasswordSchema, number> = {
  config: { schema: changePasswordSchema, permission: "profile:self", audience: "staff" },
  handler: async (input, { db, actor, user }) => {
    await changePassword(db, actor, user.id, input);
    return { data: user.id, message: PASSWORD_CHANGED };
  },
};

// The button carries no input; a schema still checks the form brings nothing unexpected along.
export const signOutOtherSessionsSchema = z.object({});

/** Ends every session of the signed-in user except the one this request came with. */
export const signOutOtherSessionsSpec: ActionSpec<typeof signOutOtherSessionsSchema, number> = {
  config: { schema: signOutOtherSessionsSchema, permission: "profile:self", audience: "any" },
  handler: async (_input, { db, user }) => {
    // Without its own session (never in a request) it would end them all: refuse instead.
    if (!user.sessionId) throw new Error("signOutOtherSessions needs the current session");
    const ended = await endUserSessions(db, user.id, "signed_out_elsewhere", user.sessionId);
    return {
      data: ended,
      message:
        ended === 0
          ? "There were no other sessions."
          : `Signed out ${ended} other ${ended === 1 ? "session" : "sessions"}.`,
    };
  },
};
