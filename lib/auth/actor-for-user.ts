import type { UserRole } from "@/db/schema";
import { PORTAL_LABEL, type ActorContext } from "@/lib/audit/actor";
import type { RequestContext } from "@/lib/http/request-context";
import { isPortalRole } from "./roles";

/**
 * The audit actor for a signed-in user's change, without touching the request: portal users
 * show as "Portal" with their identity in the detail. Kept apart from session.ts (which needs a
 * request) so tests build exactly the actor the app builds.
 */
export function actorForUser(
  user: { id: number; name: string; email: string; role: UserRole },
  request: RequestContext,
): ActorContext {
  const portal = isPortalRole(user.role);
  return {
    type: portal ? "portal" : "user",
    userId: user.id,
    label: portal ? PORTAL_LABEL : user.name,
    detail: portal ? `${user.name} <${user.email}>` : null,
    channel: portal ? "portal" : "control_panel",
    ...request,
  };
}
