import type { UserRole } from "@/db/schema";

/**
 * Roles map to permissions here and nowhere else; a role missing from the table gets nothing.
 * Checked on the server by layouts, pages, the action wrapper and API handlers.
 */
const PERMISSIONS = [
  "audit:read",
  "audit:read-all-tables",
  "audit:export",
  // Run the audit chain's verification from the Control Panel and read its results: admin, auditor.
  "audit:verify",
  // Stream the whole audit log to a SIEM (destinations, replay): admin only.
  "audit:stream",
  "accounts:read",
  // Internal notes, a carrier's portal credentials and its account manager: the operator's own.
  "accounts:read-private",
  // An account's balance: staff, and a customer its own (a carrier's is the operator's figure).
  "accounts:read-balance",
  "accounts:manage",
  "cdr:read",
  // Bulk CDR import (the switch's batches): admin only, not in any other role's list.
  "cdr:ingest",
  "users:manage",
  "api-keys:manage",
  "branding:manage",
  // The portal's custom JavaScript runs in every portal user's browser: its own permission.
  "branding:custom-js",
  "settings:manage",
  // Read-only view of the settings pages (CDR field configuration): admin and auditor.
  "settings:read",
  // The outbox holds set-password links: whoever reads it could sign in as the recipient.
  "outbox:read",
  // Own profile, own account's users and contact details; managing them also needs portalAdmin.
  "portal:self",
  // Own sign-in, in either app: password and sessions. Every role has it.
  "profile:self",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ROLE_PERMISSIONS: Record<UserRole, readonly Permission[]> = {
  admin: PERMISSIONS,
  support: [
    "audit:read",
    "audit:read-all-tables",
    "accounts:read",
    "accounts:read-private",
    "accounts:read-balance",
    "accounts:manage",
    "cdr:read",
    "profile:self",
  ],
  auditor: [
    "audit:read",
    "audit:read-all-tables",
    "audit:export",
    "audit:verify",
    "accounts:read",
    "accounts:read-private",
    "accounts:read-balance",
    "cdr:read",
    "settings:read",
    "profile:self",
  ],
  branding: ["audit:read", "branding:manage", "profile:self"],
  customer: [
    "audit:read",
    "audit:export",
    "accounts:read-balance",
    "cdr:read",
    "portal:self",
    "profile:self",
  ],
  carrier: ["audit:read", "audit:export", "cdr:read", "portal:self", "profile:self"],
};

export function can(role: string, permission: Permission): boolean {
  return (ROLE_PERMISSIONS[role as UserRole] ?? []).includes(permission);
}

/** The roles the operator's "admin_totp_required" setting applies to: they cannot work without. */
export const secondFactorRequirable = (role: string): boolean => role === "admin";
