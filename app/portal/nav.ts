import type { NavItem } from "@/components/shell/app-shell";

/** The portal's sections, shared by the portal layout and the branding preview. */
export const PORTAL_NAV: NavItem[] = [
  { href: "/portal", label: "Home", exact: true },
  { href: "/portal/cdrs", label: "CDRs" },
  { href: "/portal/reports/breakout", label: "Breakout report" },
  { href: "/portal/audit-log", label: "Audit log" },
  { href: "/portal/users", label: "Users" },
  { href: "/portal/contact", label: "Contact details" },
  { href: "/portal/profile", label: "Profile" },
];
