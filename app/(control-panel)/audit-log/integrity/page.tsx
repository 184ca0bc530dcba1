import type { Metadata } from "next";
import { connection } from "next/server";
import { IntegrityView } from "@/components/audit/integrity-view";
import { VerifyNowForm } from "@/components/audit/verify-now-form";
import { getDb } from "@/db/client";
import { loadIntegrityStatus } from "@/lib/audit-integrity/status";
import { requirePermission } from "@/lib/auth/session";
import { verifyAuditLogAction } from "./actions";

export const metadata: Metadata = { title: "Audit log integrity" };

/**
 * The tamper-evidence chain's state: the last verification (from the app or `npm run
 * audit:verify`) and the latest external checkpoint, with a button to verify again. audit:verify
 * only (admin and auditor): anyone else gets the same 403 as other restricted pages.
 */
export default async function AuditIntegrityPage() {
  await connection();
  const viewer = await requirePermission("audit:verify");
  const status = await loadIntegrityStatus(await getDb());
  return (
    <div className="space-y-8">
      <header>
        <h1 className="text-xl font-semibold">Audit log integrity</h1>
        <p className="text-sm text-slate-600">
          Every audit entry is sealed into a SHA-256 chain a few seconds after it is written.
          Verification recomputes the chain and names each entry changed, inserted, reordered or
          deleted since it was sealed.
        </p>
      </header>
      <VerifyNowForm action={verifyAuditLogAction} />
      <IntegrityView status={status} timeZone={viewer.timeZone} />
    </div>
  );
}
