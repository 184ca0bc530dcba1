import { z } from "zod";
import { operation } from "@/lib/actions/operation";
import { endUserSessions } from "@/lib/auth/user-sessions";

/** "Sign out other sessions" on both apps' profile pages. */
export const signOutOtherSessionsOperation = operation({
  // The button carries no input; a schema still checks the form brings nothing unexpected along.
  schema: z.object({}),
  permission: "profile:self",
  audience: "any",
  run: async (_input, { db, user }) => {
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
  revalidate: () => ["/profile", "/portal/profile"],
});
