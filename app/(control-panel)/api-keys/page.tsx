import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { GenerateForm } from "@/components/api-keys/generate-form";
import { ApiKeysTable } from "@/components/api-keys/keys-table";
import { getDb } from "@/db/client";
import { listApiKeys } from "@/lib/api-keys/keys";
import { requirePermission } from "@/lib/auth/session";
import { generateApiKeyAction, revokeApiKeyAction } from "./actions";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  await connection();
  const viewer = await requirePermission("api-keys:manage");
  // Every key, portal-owned ones included (with their account), so staff can revoke any of them.
  const keys = await listApiKeys(await getDb());
  return (
    <div className="space-y-8">
      <header>
        <h1 className="text-xl font-semibold">API keys</h1>
        <p className="text-sm text-slate-600">
          Keys for the REST API. A key is shown once when generated; only its prefix and a hash are
          kept. A key acts as the user who generated it: keys of an account&apos;s portal
          administrators see only that account. The endpoints are described in the{" "}
          <Link href="/api-docs" className="underline">
            API reference
          </Link>
          .
        </p>
      </header>

      <section className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-3 font-semibold">Generate a key</h2>
        <GenerateForm action={generateApiKeyAction} />
      </section>

      <ApiKeysTable
        keys={keys}
        timeZone={viewer.timeZone}
        revokeAction={revokeApiKeyAction}
        showAccount
      />
    </div>
  );
}
