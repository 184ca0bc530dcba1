import { signOutAction } from "@/app/(auth)/actions";
import { AuditCommentProvider } from "@/components/forms/audit-comment-field";
import { AppShell, type NavItem } from "@/components/shell/app-shell";
import { getDb } from "@/db/client";
import { can, type Permission } from "@/lib/auth/permissions";
import { requireStaff } from "@/lib/auth/session";
import { readSetting } from "@/lib/settings/app-settings";

// `permission: null`: every staff user (the API reference holds no data).
const NAV: (NavItem & { permission: Permission | null })[] = [
  // Exact: the integrity page below it has its own link.
  { href: "/audit-log", label: "Audit log", permission: "audit:read", exact: true },
  { href: "/audit-log/integrity", label: "Audit integrity", permission: "audit:verify" },
  { href: "/audit-log/streaming", label: "SIEM streaming", permission: "audit:stream" },
  { href: "/accounts", label: "Accounts", permission: "accounts:read" },
  { href: "/cdrs", label: "CDRs", permission: "cdr:read" },
  { href: "/reports/breakout", label: "Breakout report", permission: "cdr:read" },
  { href: "/users", label: "Users", permission: "users:manage" },
  { href: "/api-keys", label: "API keys", permission: "api-keys:manage" },
  { href: "/api-docs", label: "API reference", permission: null },
  { href: "/branding", label: "Branding", permission: "branding:manage" },
  { href: "/outbox", label: "Email outbox", permission: "outbox:read" },
  { href: "/settings/columns", label: "Column visibility", permission: "settings:manage" },
  { href: "/settings/cdr-fields", label: "CDR fields", permission: "settings:read" },
  { href: "/settings/security", label: "Security settings", permission: "settings:manage" },
];

export default async function ControlPanelLayout({ children }: { children: React.ReactNode }) {
  const user = await requireStaff();
  const { controlPanel } = await readSetting(await getDb(), "audit_comment");
  return (
    <AppShell
      title="Trunkline"
      homeHref="/audit-log"
      nav={NAV.filter((item) => item.permission === null || can(user.role, item.permission))}
      navTestId="control-panel-nav"
      user={user}
      signOutAction={signOutAction}
    >
      <AuditCommentProvider mode={controlPanel}>{children}</AuditCommentProvider>
    </AppShell>
  );
}
