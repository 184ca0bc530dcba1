import type { Metadata } from "next";
import { connection } from "next/server";
import { RecordHistory } from "@/app/(control-panel)/_components/record-history";
import { SecuritySettingsForm } from "@/components/settings/security-settings-form";
import { getDb } from "@/db/client";
import { requirePermission } from "@/lib/auth/session";
import { readSetting } from "@/lib/settings/app-settings";
import { updateSecuritySettingsAction } from "./actions";

export const metadata: Metadata = { title: "Security settings" };

export default async function SecuritySettingsPage() {
  await connection();
  await requirePermission("settings:manage");
  const db = await getDb();
  const [auditComment, adminTotpRequired] = await Promise.all([
    readSetting(db, "audit_comment"),
    readSetting(db, "admin_totp_required"),
  ]);
  return (
    <div className="space-y-8">
      <header>
        <h1 className="text-xl font-semibold">Security settings</h1>
        <p className="text-sm text-slate-600">
          Reasons for changes and two-factor sign-in. Every change here is in the audit log.
        </p>
      </header>
      <SecuritySettingsForm
        action={updateSecuritySettingsAction}
        auditComment={auditComment}
        adminTotpRequired={adminTotpRequired}
      />
      <section className="space-y-3">
        <h2 className="font-semibold">History</h2>
        <RecordHistory table="app_settings" limit={20} />
      </section>
    </div>
  );
}
