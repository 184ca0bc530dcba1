import Link from "next/link";
import { ROLE_LABELS } from "@/lib/auth/roles";
import type { CurrentUser } from "@/lib/auth/session";
import { NavLink } from "./nav-link";
import { UserBar } from "./user-bar";

export type NavItem = { href: string; label: string; exact?: boolean };

/** The Control Panel's frame: sidebar, top bar, content (the portal has its own, branded). */
export function AppShell({
  title,
  homeHref,
  nav,
  navTestId,
  user,
  signOutAction,
  children,
}: {
  title: string;
  homeHref: string;
  nav: NavItem[];
  navTestId: string;
  user: CurrentUser;
  signOutAction: () => Promise<void>;
  children: React.ReactNode;
}) {
  return (
    <div className="flex min-h-screen">
      <aside className="hidden w-56 shrink-0 flex-col bg-slate-900 text-slate-100 md:flex">
        <Link href={homeHref} className="px-5 py-4 text-lg font-semibold tracking-tight">
          {title}
        </Link>
        <nav data-testid={navTestId} aria-label="Main" className="flex flex-col gap-0.5 px-2">
          {nav.map((item) => (
            <NavLink key={item.href} href={item.href} exact={item.exact}>
              {item.label}
            </NavLink>
          ))}
        </nav>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex items-center justify-between gap-4 border-b border-slate-200 bg-white px-6 py-3">
          <span className="font-semibold md:hidden">{title}</span>
          <UserBar
            name={user.name}
            role={ROLE_LABELS[user.role]}
            profileHref="/profile"
            signOutAction={signOutAction}
          />
        </header>
        <main className="flex-1 p-6">{children}</main>
      </div>
    </div>
  );
}
