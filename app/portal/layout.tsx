import type { Metadata } from "next";
import { connection } from "next/server";
import { cache } from "react";
import { signOutAction } from "@/app/(auth)/actions";
import { AuditCommentProvider } from "@/components/forms/audit-comment-field";
import { PortalShell } from "@/components/portal/portal-shell";
import { getDb } from "@/db/client";
import { findAccountSummary } from "@/lib/portal/account-summary";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { requirePortalUser } from "@/lib/auth/session";
import { loadPublishedBranding } from "@/lib/branding/view";
import { readSetting } from "@/lib/settings/app-settings";
import { portalNavFor } from "./nav";

// Metadata and layout read the same published branding once per request.
const publishedBranding = cache(async () => loadPublishedBranding(await getDb()));

export async function generateMetadata(): Promise<Metadata> {
  const branding = await publishedBranding();
  return {
    title: { default: branding.portalName, template: `%s · ${branding.portalName}` },
    icons: branding.faviconUrl ? { icon: branding.faviconUrl } : undefined,
  };
}

export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  await connection();
  const user = await requirePortalUser();
  const db = await getDb();
  const [account, branding, commentSetting] = await Promise.all([
    findAccountSummary(db, user.accountId),
    publishedBranding(),
    readSetting(db, "audit_comment"),
  ]);
  return (
    <PortalShell
      branding={branding}
      nav={portalNavFor(user, branding.features)}
      person={{ name: user.name, role: ROLE_LABELS[user.role], accountName: account?.name }}
      signOutAction={signOutAction}
    >
      <AuditCommentProvider mode={commentSetting.portal}>{children}</AuditCommentProvider>
    </PortalShell>
  );
}
