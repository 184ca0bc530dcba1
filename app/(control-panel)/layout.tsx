import { AppShell } from "@/components/shell/app-shell";
import { requireStaff } from "@/lib/auth/session";

const NAV = [{ href: "/audit-log", label: "Audit log" }];

export default async function ControlPanelLayout({ children }: { children: React.ReactNode }) {
  const user = await requireStaff();
  return (
    <AppShell
      title="Trunkline"
      homeHref="/audit-log"
      nav={NAV}
      navTestId="control-panel-nav"
      user={user}
    >
      {children}
    </AppShell>
  );
}
