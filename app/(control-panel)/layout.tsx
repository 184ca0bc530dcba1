import { signOutAction } from "@/app/(auth)/actions";
import { AppShell, type NavItem } from "@/components/shell/app-shell";
import { can, type Permission } from "@/lib/auth/permissions";
import { requireStaff } from "@/lib/auth/session";

const NAV: (NavItem & { permission: Permission })[] = [
  { href: "/audit-log", label: "Audit log", permission: "audit:read" },
  { href: "/accounts", label: "Accounts", permission: "accounts:read" },
  { href: "/cdrs", label: "CDRs", permission: "cdr:read" },
  { href: "/reports/breakout", label: "Breakout report", permission: "cdr:read" },
  { href: "/users", label: "Users", permission: "users:manage" },
  { href: "/api-keys", label: "API keys", permission: "api-keys:manage" },
  { href: "/branding", label: "Branding", permission: "branding:manage" },
  { href: "/outbox", label: "Email outbox", permission: "outbox:read" },
  { href: "/settings/columns", label: "Column visibility", permission: "settings:manage" },
  { href: "/settings/cdr-fields", label: "CDR fields", permission: "settings:read" },
];

export default async function ControlPanelLayout({ children }: { children: React.ReactNode }) {
  const user = await requireStaff();
  return (
    <AppShell
      title="Trunkline"
      homeHref="/audit-log"
      nav={NAV.filter((item) => can(user.role, item.permission))}
      navTestId="control-panel-nav"
      user={user}
      signOutAction={signOutAction}
    >
      {children}
    </AppShell>
  );
}
