import Link from "next/link";
import Script from "next/script";
import { NavLink } from "@/components/shell/nav-link";
import { UserBar } from "@/components/shell/user-bar";
import type { NavItem } from "@/components/shell/app-shell";
import type { BrandingView } from "@/lib/branding/view";

const BRAND_TONE = {
  active: "bg-black/20 font-medium text-brand-foreground",
  idle: "text-brand-foreground/85 hover:bg-black/10 hover:text-brand-foreground",
};

/**
 * The Customer Portal's frame, drawn with one branding: colours as CSS variables on the root,
 * logo, name, footer and the custom CSS (and, outside the preview, the custom script). The
 * `portal-*` class names are the stable hooks custom CSS is written against.
 */
export function PortalShell({
  branding,
  nav,
  person,
  preview = false,
  signOutAction,
  children,
}: {
  branding: BrandingView;
  nav: NavItem[];
  person: { name: string; role: string; accountName?: string };
  /** The Control Panel's preview: links inert, no sign-out, custom JavaScript not run. */
  preview?: boolean;
  /** The Sign out form's server action; the preview has none. */
  signOutAction?: () => Promise<void>;
  children: React.ReactNode;
}) {
  const { portalName, logoUrl } = branding;
  return (
    <div style={branding.cssVariables} className="portal flex min-h-screen">
      {branding.cssUrl ? (
        <link rel="stylesheet" href={branding.cssUrl} precedence="portal-custom" />
      ) : null}
      {/* After hydration: the page is complete, and what the script adds to it is not a
          hydration mismatch. A same-origin URL, which the CSP's script-src 'self' allows. */}
      {branding.jsUrl && !preview ? (
        <Script src={branding.jsUrl} strategy="afterInteractive" />
      ) : null}
      <aside className="portal-sidebar hidden w-60 shrink-0 flex-col bg-brand text-brand-foreground md:flex">
        <Link
          href={preview ? "#" : "/portal"}
          className="portal-logo block px-5 py-4 text-lg font-semibold tracking-tight"
        >
          {logoUrl ? (
            // A plain img: the logo is served by our own cached route, already sized on upload.
            // eslint-disable-next-line @next/next/no-img-element
            <img src={logoUrl} alt={portalName} className="max-h-14 max-w-full" />
          ) : (
            portalName
          )}
        </Link>
        <nav
          aria-label="Main"
          data-testid="portal-nav"
          className="portal-nav flex flex-col gap-0.5 px-2"
        >
          {nav.map((item) =>
            preview ? (
              <span key={item.href} className={`rounded-md px-3 py-2 text-sm ${BRAND_TONE.idle}`}>
                {item.label}
              </span>
            ) : (
              <NavLink key={item.href} href={item.href} exact={item.exact} tone={BRAND_TONE}>
                {item.label}
              </NavLink>
            ),
          )}
        </nav>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="portal-header flex items-center justify-between gap-4 border-b-4 border-brand-accent bg-white px-6 py-3">
          <span className="font-semibold" data-testid="portal-name">
            {portalName}
          </span>
          <UserBar
            {...person}
            profileHref={preview ? undefined : "/portal/profile"}
            signOutAction={preview ? undefined : signOutAction}
          />
        </header>
        <main className="portal-main flex-1 p-6">{children}</main>
        <footer className="portal-footer border-t border-slate-200 bg-white px-6 py-4 text-sm text-slate-600">
          {/* Sanitised by DOMPurify when loaded (lib/branding/view.ts): links and text only. */}
          <div
            className="[&_a]:text-brand [&_a]:underline"
            dangerouslySetInnerHTML={{ __html: branding.footerHtml }}
          />
          {branding.supportEmail ? (
            <p className="mt-1">
              Support:{" "}
              <a href={`mailto:${branding.supportEmail}`} className="text-brand underline">
                {branding.supportEmail}
              </a>
            </p>
          ) : null}
        </footer>
      </div>
    </div>
  );
}
