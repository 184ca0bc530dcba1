import { apiKeyStatus, type listApiKeys } from "@/lib/api-keys/keys";
import type { FormAction } from "@/lib/actions/result";
import { RevokeForm } from "./revoke-form";

type KeyRow = Awaited<ReturnType<typeof listApiKeys>>[number];

const when = (d: Date | null, timeZone: string) =>
  d ? d.toLocaleString("en-GB", { timeZone, dateStyle: "medium", timeStyle: "short" }) : "—";

/**
 * The keys list of both apps: the Control Panel's (every key, with the owner's account, so staff
 * see which account a portal-owned key acts for) and the portal's (the account's own keys only,
 * as listApiKeys was asked for them, so no Account column).
 */
export function ApiKeysTable({
  keys,
  timeZone,
  revokeAction,
  showAccount,
}: {
  keys: KeyRow[];
  timeZone: string;
  revokeAction: FormAction<number>;
  showAccount: boolean;
}) {
  const now = new Date();
  const columns = showAccount ? 10 : 9;
  return (
    <table data-testid="api-keys-table" className="w-full text-left text-sm">
      <thead className="border-b border-slate-200 text-slate-600">
        <tr>
          <th className="py-2 pr-3">Name</th>
          <th className="py-2 pr-3">Prefix</th>
          <th className="py-2 pr-3">Scope</th>
          <th className="py-2 pr-3">Created by</th>
          {showAccount ? <th className="py-2 pr-3">Account</th> : null}
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
            <td colSpan={columns} className="py-4 text-slate-500">
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
              <td className="py-2 pr-3">{k.scope === "read_write" ? "read and write" : "read"}</td>
              <td className="py-2 pr-3">{k.ownerName ?? "—"}</td>
              {showAccount ? (
                <td className="py-2 pr-3">
                  {k.accountName ?? <span className="text-slate-500">Staff</span>}
                </td>
              ) : null}
              <td className="py-2 pr-3">{when(k.createdAt, timeZone)}</td>
              <td className="py-2 pr-3">{when(k.expiresAt, timeZone)}</td>
              <td className="py-2 pr-3">
                {when(k.lastUsedAt, timeZone)}
                {k.lastUsedIp ? (
                  <span className="block font-mono text-xs text-slate-500">{k.lastUsedIp}</span>
                ) : null}
              </td>
              <td className="py-2 pr-3" data-testid="key-status">
                {status}
              </td>
              <td className="py-2 pr-3">
                {status === "revoked" ? null : (
                  <RevokeForm action={revokeAction} id={k.id} name={k.name} />
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
