import type { Metadata } from "next";
import { connection } from "next/server";
import { requirePortalUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "CDRs" };

/** Holds the menu entry's place until the CDR work lands; shows no sample data on purpose. */
export default async function PortalCdrsPage() {
  await connection();
  await requirePortalUser();
  return (
    <section className="max-w-2xl space-y-3">
      <h1 className="text-xl font-semibold">CDRs</h1>
      <div
        data-testid="cdrs-placeholder"
        className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-700"
      >
        <p className="font-medium">Call records and the breakout report are on their way.</p>
        <p className="mt-2 text-slate-600">
          This page will list your account&apos;s CDRs (with the fields your provider makes
          available) and a breakout report of attempts, ASR, ACD and minutes per destination, with
          CSV export. They arrive together with the CDR work; until then nothing is shown here
          rather than sample figures.
        </p>
      </div>
    </section>
  );
}
