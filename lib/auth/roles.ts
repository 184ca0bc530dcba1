import {
  PORTAL_ROLES,
  STAFF_ROLES,
  type PortalRole,
  type StaffRole,
  type UserRole,
} from "@/db/schema";

export const isStaffRole = (role: string): role is StaffRole =>
  (STAFF_ROLES as readonly string[]).includes(role);
export const isPortalRole = (role: string): role is PortalRole =>
  (PORTAL_ROLES as readonly string[]).includes(role);

export const ROLE_LABELS: Record<UserRole, string> = {
  admin: "Admin",
  support: "Support",
  auditor: "Auditor",
  branding: "Branding",
  customer: "Customer",
  carrier: "Carrier",
};

/** Where a user lands after sign-in: staff in the Control Panel, account users in the Portal. */
export const homePathFor = (role: UserRole) => (isPortalRole(role) ? "/portal" : "/audit-log");
