import type { NavItem } from "@/components/shell/app-shell";
import type { PortalFeature } from "@/lib/branding/fields";

type PortalNavItem = NavItem & {
  /** Only for the account's portal administrators (the page refuses everyone else). */
  adminOnly?: boolean;
  /** The branding switch that shows it (lib/portal/features.ts); hidden sections are left out. */
  feature?: PortalFeature;
};

/**
 * The portal's sections, shared by the portal layout and the branding preview (which shows the
 * frame as a portal administrator sees it).
 */
const PORTAL_NAV: PortalNavItem[] = [
  { href: "/portal", label: "Home", exact: true },
  { href: "/portal/cdrs", label: "CDRs", feature: "cdrs" },
  { href: "/portal/reports/breakout", label: "Breakout report", feature: "breakout" },
  { href: "/portal/audit-log", label: "Audit log", feature: "auditLog" },
  { href: "/portal/users", label: "Users", feature: "users" },
  { href: "/portal/api-keys", label: "API keys", adminOnly: true },
  { href: "/portal/contact", label: "Contact details", feature: "contact" },
  { href: "/portal/profile", label: "Profile" },
];

/**
 * The sections a portal user is offered: admin-only ones for portal administrators alone, and
 * only those the branding shows.
 */
export function portalNavFor(
  user: { portalAdmin: boolean },
  shown: Record<PortalFeature, boolean>,
): NavItem[] {
  return PORTAL_NAV.filter(
    (item) => (user.portalAdmin || !item.adminOnly) && (!item.feature || shown[item.feature]),
  ).map(({ adminOnly: _adminOnly, feature: _feature, ...item }) => item);
}
