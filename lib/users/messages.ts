import type { ActorType, AuditAction, UserRole } from "@/db/schema";
import { ROLE_LABELS } from "@/lib/auth/roles";

/**
 * The audit messages of changes to users, shared by the domain functions that write them and by
 * anything that must word the same change the same way (the demo seed, its messages test).
 */

type Named = { name: string; email: string };

export const userLabel = (u: Named) => `${u.name} <${u.email}>`;

export const invitedUserMessage = (role: UserRole, user: Named, portalAdmin: boolean) =>
  `Invited ${ROLE_LABELS[role].toLowerCase()} user ${userLabel(user)}` +
  (portalAdmin ? " as a portal administrator" : "");

export const roleChangedMessage = (user: Named, from: UserRole, to: UserRole) =>
  `Changed role of ${userLabel(user)} from ${ROLE_LABELS[from]} to ${ROLE_LABELS[to]}`;

export const userStatusMessage = (status: "active" | "disabled", user: Named) =>
  `${status === "disabled" ? "Disabled" : "Enabled"} user ${userLabel(user)}`;

export const passwordResetIssuedMessage = (user: Named) =>
  `Issued a password reset link for ${userLabel(user)}`;

/** Who gave a user their current set-password link, from the audit entry that issued it. */
export type LinkIssuer = {
  kind: "invitation" | "password reset";
  who: string;
  at: Date;
};

/** The issuer as the entry that issued the link (CREATE: an invitation, else a reset) names it. */
export function linkIssuerOf(entry: {
  action: AuditAction;
  actorType: ActorType;
  actorLabel: string;
  actorDetail: string | null;
  occurredAt: Date;
}): LinkIssuer {
  const who =
    entry.actorType === "portal" && entry.actorDetail
      ? `${entry.actorDetail} in the Customer Portal`
      : entry.actorLabel;
  return {
    kind: entry.action === "CREATE" ? "invitation" : "password reset",
    who,
    at: entry.occurredAt,
  };
}

export function passwordSetMessage(issued: LinkIssuer | null): string {
  if (!issued) return "Set their password through a link whose issue is not in the audit log";
  const article = issued.kind === "invitation" ? "an" : "a";
  return `Set their password through ${article} ${issued.kind} link issued by ${issued.who} at ${issued.at.toISOString()}`;
}
