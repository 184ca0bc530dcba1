import { connection } from "next/server";
import { AppShell } from "@/components/shell/app-shell";
import { getDb } from "@/db/client";
import { findAccountSummary } from "@/db/queries/accounts";
import { requirePortalUser } from "@/lib/auth/session";

const NAV = [
  { href: "/portal", label: "Home" },
  { href: "/portal/audit-log", label: "Audit log" },
];

export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  await connection();
  const user = await requirePortalUser();
  const account = await findAccountSummary(await getDb(), user.accountId);
  return (
    <AppShell
      title="Customer Portal"
      homeHref="/portal"
      nav={NAV}
      navTestId="portal-nav"
      user={user}
      accountName={account?.name}
    >
      {children}
    </AppShell>
  );
}
