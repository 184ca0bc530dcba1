import { z } from "zod";

/**
 * The profile pages' URL state: only the note left by a password change, whose action redirects
 * here (the new session's cookie is only seen by a new request, not by the action's own render).
 */
export const profileSearchParamsSchema = z.object({
  notice: z.enum(["password-changed"]).optional().catch(undefined),
});
