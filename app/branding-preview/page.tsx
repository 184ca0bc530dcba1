import type { Metadata } from "next";
import Link from "next/link";
import { cache } from "react";
import { portalNavFor } from "@/app/portal/nav";
import { PortalShell } from "@/components/portal/portal-shell";
import { getDb } from "@/db/client";
import { requirePermission } from "@/lib/auth/session";
import { loadDraftBranding } from "@/lib/branding/view";

const draftBranding = cache(async () => loadDraftBranding(await getDb()));

export async function generateMetadata(): Promise<Metadata> {
  await requirePermission("branding:manage");
  const branding = await draftBranding();
  return {
    title: { absolute: `Preview · ${branding.portalName}` },
    icons: branding.faviconUrl ? { icon: branding.faviconUrl } : undefined,
  };
}

const SAMPLE_STATS = [
  { label: "Balance", value: "$12,480.00" },
  { label: "Credit limit", value: "$5,000.00" },
  { label: "Calls today", value: "18,204" },
  { label: "ASR today", value: "54.2 %" },
  { label: "Minutes today", value: "41,377" },
];

/**
 * The portal as it will look once the draft is published, with sample figures. Shown to the
 * branding editors in their own session, so the draft's custom JavaScript is not run here: it
 * would run with their Control Panel rights.
 */
export default async function BrandingPreviewPage() {
  await requirePermission("branding:manage");
  const branding = await draftBranding();
  return (
    <>
      <div
        role="status"
        className="flex flex-wrap items-center gap-x-4 gap-y-1 bg-amber-100 px-6 py-2 text-sm text-amber-900"
      >
        <strong>Preview of the draft branding — not published.</strong>
        <span>Figures are samples. Custom JavaScript runs only in the published portal.</span>
        <span data-testid="preview-email-sender">
          Portal emails from:{" "}
          {branding.emailSender
            ? [
                branding.emailSender.name,
                branding.emailSender.address && `<${branding.emailSender.address}>`,
              ]
                .filter(Boolean)
                .join(" ") + (branding.emailSender.address ? "" : " (platform's address)")
            : "the platform's sender"}
        </span>
        {/* _top: shown inside the Branding page's frame, the way back leaves the frame. */}
        <Link href="/branding" target="_top" className="ml-auto underline">
          Back to Branding
        </Link>
      </div>
      <PortalShell
        branding={branding}
        nav={portalNavFor({ portalAdmin: true }, branding.features)}
        person={{ name: "Sample User", role: "Customer", accountName: "Sample Telecom" }}
        preview
      >
        <section>
          <h1 className="text-xl font-semibold">Sample Telecom</h1>
          <p className="text-sm text-slate-600">Account 1001 · customer · active</p>
          <dl className="mt-6 grid grid-cols-2 gap-4 md:grid-cols-5">
            {SAMPLE_STATS.filter((s) => s.label !== "Balance" || branding.features.balance).map(
              (s) => (
                <div key={s.label} className="rounded-lg border border-slate-200 bg-white p-4">
                  <dt className="text-xs text-slate-500 uppercase">{s.label}</dt>
                  <dd className="mt-1 text-lg font-semibold">{s.value}</dd>
                </div>
              ),
            )}
          </dl>
          <button
            type="button"
            className="mt-6 rounded-md bg-brand px-4 py-2 text-sm font-medium text-brand-foreground"
          >
            Sample button
          </button>
        </section>
      </PortalShell>
    </>
  );
}
