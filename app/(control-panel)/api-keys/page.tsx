import type { Metadata } from "next";
import { connection } from "next/server";
import { getDb } from "@/db/client";
import { apiKeyStatus, listApiKeys } from "@/lib/api-keys/keys";
import { requirePermission } from "@/lib/auth/session";
import { GenerateForm } from "./_components/generate-form";
import { RevokeForm } from "./_components/revoke-form";
import { generateApiKeyAction, revokeApiKeyAction } from "./actions";

export const metadata: Metadata = { title: "API keys" };

const when = (d: Date | null, timeZone: string) =>
  d ? d.toLocaleString("en-GB", { timeZone, dateStyle: "medium", timeStyle: "short" }) : "—";

export default async function ApiKeysPage() {
  await connection();
  const viewer = await requirePermission("api-keys:manage");
  const keys = await listApiKeys(await getDb());
  const now = new Date();
  return (
    <div className="space-y-8">
      <header>
        <h1 className="text-xl font-semibold">API keys</h1>
        <p className="text-sm text-slate-600">
          Keys for the REST API. A key is shown once when generated; only its prefix and a hash are
          kept.
        </p>
      </header>

      <section className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-3 font-semibold">Generate a key</h2>
        <GenerateForm action={generateApiKeyAction} />
      </section>

      <table data-testid="api-keys-table" className="w-full text-left text-sm">
        <thead className="border-b border-slate-200 text-slate-600">
          <tr>
            <th className="py-2 pr-3">Name</th>
            <th className="py-2 pr-3">Prefix</th>
            <th className="py-2 pr-3">Scope</th>
            <th className="py-2 pr-3">Created by</th>
            <th className="py-2 pr-3">Created</th>
            <th className="py-2 pr-3">Expires</th>
            <th className="py-2 pr-3">Last used</th>
            <th className="py-2 pr-3">Status</th>
            <th className="py-2 pr-3">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {keys.length === 0 ? (
            <tr>
              <td colSpan={9} className="py-4 text-slate-500">
                No API keys yet.
              </td>
            </tr>
          ) : null}
          {keys.map((k) => {
            const status = apiKeyStatus(k, now);
            return (
              <tr key={k.id}>
                <td className="py-2 pr-3">{k.name}</td>
                <td className="py-2 pr-3 font-mono">{k.prefix}_…</td>
                <td className="py-2 pr-3">
                  {k.scope === "read_write" ? "read and write" : "read"}
                </td>
                <td className="py-2 pr-3">{k.ownerName ?? "—"}</td>
                <td className="py-2 pr-3">{when(k.createdAt, viewer.timeZone)}</td>
                <td className="py-2 pr-3">{when(k.expiresAt, viewer.timeZone)}</td>
                <td className="py-2 pr-3">
                  {when(k.lastUsedAt, viewer.timeZone)}
                  {k.lastUsedIp ? (
                    <span className="block font-mono text-xs text-slate-500">{k.lastUsedIp}</span>
                  ) : null}
                </td>
                <td className="py-2 pr-3">{status}</td>
                <td className="py-2 pr-3">
                  {status === "revoked" ? null : (
                    <RevokeForm action={revokeApiKeyAction} id={k.id} name={k.name} />
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
