import { pgEnum } from "drizzle-orm/pg-core";

/** Closed lists shared by the schema, the zod schemas and the UI filters. */
export const ACCOUNT_TYPES = ["customer", "carrier"] as const;
export const ACCOUNT_STATUSES = [
  "active",
  "inactive",
  "suspended",
  "penalty",
  "pending_approval",
] as const;
export const STAFF_ROLES = ["admin", "support", "auditor", "branding"] as const;
export const PORTAL_ROLES = ["customer", "carrier"] as const;
export const USER_ROLES = [...STAFF_ROLES, ...PORTAL_ROLES] as const;
export const USER_STATUSES = ["invited", "active", "disabled"] as const;
export const INGRESS_STATUSES = ["active", "disabled"] as const;
export const API_KEY_SCOPES = ["read", "read_write"] as const;
export const AUDIT_ACTIONS = [
  "CREATE",
  "DELETE",
  "GENERATE",
  "GET",
  "LOGIN",
  "POST",
  "PUBLISH",
  "PUT",
  "SEND",
  "UPDATE",
] as const;
export const ACTOR_TYPES = ["user", "portal", "api", "system"] as const;
export const CHANNELS = ["control_panel", "portal", "api", "system"] as const;
export const VISIBILITY_SURFACES = ["audit", "breakout", "cdr"] as const;
export const EMAIL_STATUSES = ["queued", "sent", "failed"] as const;
/** Why a sign-in session ended: kept for forensics ("was that session cut or did it lapse?"). */
export const SESSION_END_REASONS = [
  "signed_out",
  "signed_out_elsewhere",
  "password_changed",
  "password_reset",
  "disabled",
  "role_changed",
  "expired",
  "idle",
] as const;

export type AccountType = (typeof ACCOUNT_TYPES)[number];
export type UserRole = (typeof USER_ROLES)[number];
export type StaffRole = (typeof STAFF_ROLES)[number];
export type PortalRole = (typeof PORTAL_ROLES)[number];
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export type ActorType = (typeof ACTOR_TYPES)[number];
export type Channel = (typeof CHANNELS)[number];
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

export const accountType = pgEnum("account_type", ACCOUNT_TYPES);
export const accountStatus = pgEnum("account_status", ACCOUNT_STATUSES);
export const userRole = pgEnum("user_role", USER_ROLES);
export const userStatus = pgEnum("user_status", USER_STATUSES);
export const ingressStatus = pgEnum("ingress_status", INGRESS_STATUSES);
export const apiKeyScope = pgEnum("api_key_scope", API_KEY_SCOPES);
export const auditAction = pgEnum("audit_action", AUDIT_ACTIONS);
export const actorType = pgEnum("actor_type", ACTOR_TYPES);
export const channel = pgEnum("channel", CHANNELS);
export const visibilitySurface = pgEnum("visibility_surface", VISIBILITY_SURFACES);
export const emailStatus = pgEnum("email_status", EMAIL_STATUSES);
export const sessionEndReason = pgEnum("session_end_reason", SESSION_END_REASONS);
