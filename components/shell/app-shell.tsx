import Link from "next/link";
import { signOutAction } from "@/app/(auth)/actions";
import { ROLE_LABELS } from "@/lib/auth/roles";
import type { CurrentUser } from "@/lib/auth/session";
import { NavLink } from "./nav-link";

export type NavItem = { href: string; label: string };

/** The frame shared by the Control Panel and the Customer Portal: sidebar, top bar, content. */
export function AppShell({
  title,
  homeHref,
  nav,
  navTestId,
  user,
  accountName,
  children,
  footer,
}: {
  title: string;
  homeHref: string;
  nav: NavItem[];
  navTestId: string;
  user: CurrentUser;
  accountName?: string;
  children: React.ReactNode;
  footer?: React.ReactNode;
}) {
  return (
    <div className="flex min-h-screen">
      <aside className="hidden w-56 shrink-0 flex-col bg-slate-900 text-slate-100 md:flex">
        <Link href={homeHref} className="px-5 py-4 text-lg font-semibold tracking-tight">
          {title}
        </Link>
        <nav data-testid={navTestId} aria-label="Main" className="flex flex-col gap-0.5 px-2">
          {nav.map((item) => (
            <NavLink key={item.href} href={item.href}>
              {item.label}
            </NavLink>
          ))}
        </nav>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex items-center justify-between gap-4 border-b border-slate-200 bg-white px-6 py-3">
          <span className="font-semibold md:hidden">{title}</span>
          <div className="ml-auto flex items-center gap-4">
            <p data-testid="current-user" className="text-sm text-slate-700">
              <span className="font-medium">{user.name}</span>
              <span className="ml-2 rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600">
                {ROLE_LABELS[user.role]}
              </span>
              {accountName ? <span className="ml-2 text-slate-500">{accountName}</span> : null}
            </p>
            <form action={signOutAction}>
              <button
                type="submit"
                className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50"
              >
                Sign out
              </button>
            </form>
          </div>
        </header>
        <main className="flex-1 p-6">{children}</main>
        {footer}
      </div>
    </div>
  );
}
