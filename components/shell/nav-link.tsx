"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const CONTROL_PANEL = {
  active: "bg-slate-700 text-white",
  idle: "text-slate-300 hover:bg-slate-800 hover:text-white",
};

/** A sidebar link marked aria-current on its own page and below it. */
export function NavLink({
  href,
  children,
  tone = CONTROL_PANEL,
  exact = false,
}: {
  href: string;
  /** Marked on its own page only (a home whose path prefixes every other page). */
  exact?: boolean;
  children: React.ReactNode;
  tone?: { active: string; idle: string };
}) {
  const pathname = usePathname();
  const active = pathname === href || (!exact && pathname.startsWith(`${href}/`));
  return (
    <Link
      href={href}
      aria-current={active ? "page" : undefined}
      className={`rounded-md px-3 py-2 text-sm ${active ? tone.active : tone.idle}`}
    >
      {children}
    </Link>
  );
}
