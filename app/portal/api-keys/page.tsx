import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { connection } from "next/server";
import { GenerateForm } from "@/components/api-keys/generate-form";
import { ApiKeysTable } from "@/components/api-keys/keys-table";
import { getDb } from "@/db/client";
import { listApiKeys } from "@/lib/api-keys/keys";
import { requirePortalUser } from "@/lib/auth/session";
import { generatePortalApiKeyAction, revokePortalApiKeyAction } from "./actions";

export const metadata: Metadata = { title: "API keys" };

/**
 * The account's REST API keys, for its portal administrators only (lib/api-keys/portal-keys.ts
 * says why): other portal users get the 403 page, and the menu does not offer it to them.
 */
export default async function PortalApiKeysPage() {
  await connection();
  const user = await requirePortalUser();
  if (!user.portalAdmin) forbidden();
  const keys = await listApiKeys(await getDb(), { accountId: user.accountId });
  return (
    <div className="space-y-8">
      <header>
        <h1 className="text-xl font-semibold">API keys</h1>
        <p className="text-sm text-slate-600">
          Keys for the REST API. A key acts as the person who generated it and sees only your
          account&apos;s data; it stops working when that person is disabled. A key is shown once
          when generated; only its prefix and a hash are kept.
        </p>
      </header>

      <section className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-3 font-semibold">Generate a key</h2>
        <GenerateForm action={generatePortalApiKeyAction} />
      </section>

      <ApiKeysTable
        keys={keys}
        timeZone={user.timeZone}
        revokeAction={revokePortalApiKeyAction}
        showAccount={false}
      />
    </div>
  );
}
