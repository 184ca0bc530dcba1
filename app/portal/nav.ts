import type { NavItem } from "@/components/shell/app-shell";

type PortalNavItem = NavItem & {
  /** Only for the account's portal administrators (the page refuses everyone else). */
  adminOnly?: boolean;
};

/**
 * The portal's sections, shared by the portal layout and the branding preview (which shows the
 * frame as a portal administrator sees it).
 */
const PORTAL_NAV: PortalNavItem[] = [
  { href: "/portal", label: "Home", exact: true },
  { href: "/portal/cdrs", label: "CDRs" },
  { href: "/portal/reports/breakout", label: "Breakout report" },
  { href: "/portal/audit-log", label: "Audit log" },
  { href: "/portal/users", label: "Users" },
  { href: "/portal/api-keys", label: "API keys", adminOnly: true },
  { href: "/portal/contact", label: "Contact details" },
  { href: "/portal/profile", label: "Profile" },
];

/** The sections a portal user is offered: admin-only ones for portal administrators alone. */
export function portalNavFor(user: { portalAdmin: boolean }): NavItem[] {
  return PORTAL_NAV.filter((item) => user.portalAdmin || !item.adminOnly).map(
    ({ adminOnly: _adminOnly, ...item }) => item,
  );
}
