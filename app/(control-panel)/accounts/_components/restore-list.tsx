import { getDb } from "@/db/client";
import { restorableEntries } from "@/lib/accounts/queries";
import { restoreEntryAction } from "../actions";
import { ActionButton } from "./action-button";

/** One Restore button per UPDATE entry of the record, under its History table. */
export async function RestoreList({
  table,
  recordPk,
}: {
  table: "accounts" | "ingress_routes";
  recordPk: number;
}) {
  const entries = await restorableEntries(await getDb(), table, recordPk);
  if (entries.length === 0) return null;
  return (
    <section aria-label="Restore" className="space-y-2">
      <h3 className="text-sm font-semibold">Restore an earlier state</h3>
      <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
        {entries.map((e) => (
          <li key={e.id} className="flex flex-wrap items-center justify-between gap-2 p-2 text-sm">
            <span>
              <span className="text-slate-500">#{e.id}</span> {e.message}
            </span>
            <ActionButton
              action={restoreEntryAction}
              fields={{ entryId: String(e.id) }}
              label={`Restore state before entry #${e.id}`}
            />
          </li>
        ))}
      </ul>
    </section>
  );
}
