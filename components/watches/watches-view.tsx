import Link from "next/link";
import type { FormAction } from "@/lib/actions/result";
import type { CreatedWatch, WatchListRow } from "@/lib/watches/watches";
import { MAX_WATCHES_PER_USER } from "@/lib/watches/schemas";
import { DeleteWatchForm } from "./delete-watch-form";
import { WatchForm } from "./watch-form";

const when = (d: Date | null, timeZone: string) =>
  d ? d.toLocaleString("en-GB", { timeZone, dateStyle: "medium", timeStyle: "short" }) : "never";

export type WatchActions = {
  create: FormAction<CreatedWatch>;
  update: FormAction<CreatedWatch>;
  remove: FormAction<number>;
};

/**
 * The watches page of both apps: the signed-in user's own watches, a form for a new one
 * (prefilled with the search the audit page's "Watch this search" carried), edit and delete.
 */
export function WatchesView({
  watches,
  actions,
  auditPath,
  initialQuery,
  user,
}: {
  watches: WatchListRow[];
  actions: WatchActions;
  auditPath: string;
  initialQuery: string;
  user: { email: string; timeZone: string };
}) {
  return (
    <div className="space-y-8">
      <header>
        <h1 className="text-xl font-semibold">Watches</h1>
        <p className="text-sm text-slate-600">
          A watch is a saved audit search: new entries that match it are sent to you, batched,
          within a minute, by email or to a webhook. It shows only what your{" "}
          <Link href={auditPath} className="underline">
            audit log
          </Link>{" "}
          shows you, as your access is at the time. Up to {MAX_WATCHES_PER_USER} per person.
        </p>
      </header>

      <section className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-3 font-semibold">New watch</h2>
        <WatchForm action={actions.create} initial={{ query: initialQuery }} email={user.email} />
      </section>

      <section>
        <h2 className="mb-3 font-semibold">Your watches</h2>
        {watches.length === 0 ? (
          <p className="text-sm text-slate-500">No watches yet.</p>
        ) : (
          <ul className="space-y-3" data-testid="watches-list">
            {watches.map((w) => (
              <li key={w.id} className="rounded-lg border border-slate-200 bg-white p-4">
                <div className="flex flex-wrap items-start justify-between gap-3">
                  <div className="space-y-1 text-sm">
                    <p className="font-medium">
                      {w.name} {w.active ? null : <span className="text-slate-500">(paused)</span>}
                    </p>
                    <p>
                      <Link
                        href={`${auditPath}?q=${encodeURIComponent(w.query)}`}
                        className="font-mono underline"
                      >
                        {w.query || "(everything)"}
                      </Link>
                    </p>
                    <p className="text-slate-600">
                      {w.channel === "email" ? `Email to ${user.email}` : `Webhook ${w.webhookUrl}`}{" "}
                      · last notified {when(w.lastNotifiedAt, user.timeZone)}
                    </p>
                    {w.lastError ? (
                      <p className="text-red-700" data-testid="watch-error">
                        {w.lastError}
                      </p>
                    ) : null}
                  </div>
                  <DeleteWatchForm action={actions.remove} id={w.id} name={w.name} />
                </div>
                <details className="mt-3">
                  <summary className="cursor-pointer text-sm text-slate-700">Edit</summary>
                  <div className="mt-3">
                    <WatchForm
                      action={actions.update}
                      email={user.email}
                      initial={{
                        id: w.id,
                        name: w.name,
                        query: w.query,
                        channel: w.channel,
                        webhookUrl: w.webhookUrl,
                        active: w.active,
                      }}
                    />
                  </div>
                </details>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
