"use client";

import * as Dialog from "@radix-ui/react-dialog";
import dynamic from "next/dynamic";
import { useState, useSyncExternalStore } from "react";
import type { AuditEntryView } from "@/lib/audit/queries/audit-entry";
import { splitForDiff } from "@/lib/audit/diff";

// The diff viewer is large and browser-only: loaded when a popup first opens, not with the page.
const ReactDiffViewer = dynamic(() => import("react-diff-viewer-continued"), {
  ssr: false,
  loading: () => <p className="text-sm text-slate-500">Loading diff…</p>,
});

type LoadState =
  | { status: "idle" | "loading" }
  | { status: "error"; message: string }
  | { status: "ready"; entry: AuditEntryView };

/** "View Difference": fetches the entry when opened and shows changed fields, then the diff. */
export function DiffDialog({ entryUrl, label }: { entryUrl: string; label: string }) {
  const [open, setOpen] = useState(false);
  const [state, setState] = useState<LoadState>({ status: "idle" });

  function onOpenChange(next: boolean) {
    setOpen(next);
    if (!next || state.status === "loading" || state.status === "ready") return;
    setState({ status: "loading" });
    fetch(entryUrl, { headers: { accept: "application/json" } })
      .then(async (res) => {
        if (!res.ok) {
          throw new Error(
            res.status === 404 ? "This entry is not available." : `Error ${res.status}`,
          );
        }
        setState({ status: "ready", entry: (await res.json()) as AuditEntryView });
      })
      .catch((err: Error) => setState({ status: "error", message: err.message }));
  }

  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Trigger className="rounded border border-slate-300 px-2 py-0.5 text-xs whitespace-nowrap hover:bg-slate-100">
        View Difference
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-slate-900/40" />
        <Dialog.Content className="fixed inset-4 z-50 flex flex-col overflow-hidden rounded-lg bg-white shadow-xl md:inset-x-[5vw] md:inset-y-8">
          <div className="flex items-start justify-between gap-4 border-b border-slate-200 px-5 py-3">
            <div>
              <Dialog.Title className="font-semibold">{label}</Dialog.Title>
              <Dialog.Description className="text-sm text-slate-600">
                The record before and after this change.
              </Dialog.Description>
            </div>
            <Dialog.Close className="rounded px-2 py-1 text-sm hover:bg-slate-100">
              Close
            </Dialog.Close>
          </div>
          <div className="flex-1 overflow-auto p-5">
            {state.status === "ready" ? (
              <EntryDiff entry={state.entry} />
            ) : state.status === "error" ? (
              <p className="text-red-700">{state.message}</p>
            ) : (
              <p className="text-sm text-slate-500">Loading…</p>
            )}
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

const NARROW = "(max-width: 900px)";
function subscribeNarrow(onChange: () => void) {
  const query = window.matchMedia(NARROW);
  query.addEventListener("change", onChange);
  return () => query.removeEventListener("change", onChange);
}

/** Side by side on wide screens, unified on narrow ones. */
function useNarrow() {
  return useSyncExternalStore(
    subscribeNarrow,
    () => window.matchMedia(NARROW).matches,
    () => false,
  );
}

function EntryDiff({ entry }: { entry: AuditEntryView }) {
  const narrow = useNarrow();
  if (!entry.data)
    return (
      <p className="text-sm text-slate-600">Your role does not show this entry&apos;s data.</p>
    );
  const { before, after } = entry.data;
  const diff = splitForDiff(before, after);
  const viewerProps = {
    splitView: !narrow && before !== null && after !== null,
    showDiffOnly: true,
    extraLinesSurroundingDiff: 3,
    useDarkTheme: false,
  };
  return (
    <div className="space-y-6">
      <EntryDetails entry={entry} />
      {diff.changes.length > 0 ? (
        <section>
          <h3 className="mb-2 text-sm font-semibold">Changed fields</h3>
          <table data-testid="changed-fields" className="w-full border border-slate-200 text-sm">
            <thead className="bg-slate-50 text-left text-xs text-slate-600 uppercase">
              <tr>
                <th className="px-2 py-1">Field</th>
                <th className="px-2 py-1">Before</th>
                <th className="px-2 py-1">After</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {diff.changes.map((c) => (
                <tr key={c.field} className="align-top">
                  <td className="px-2 py-1 font-mono text-xs">{c.field}</td>
                  <td className="px-2 py-1 break-all text-red-800">{c.before}</td>
                  <td className="px-2 py-1 break-all text-green-800">{c.after}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      <section>
        <h3 className="mb-2 text-sm font-semibold">
          {after === null ? "Deleted record" : before === null ? "New record" : "Record"}
        </h3>
        <div className="overflow-x-auto rounded border border-slate-200 text-xs">
          <ReactDiffViewer
            oldValue={diff.json.before}
            newValue={diff.json.after}
            leftTitle={before === null ? undefined : "Before"}
            rightTitle={after === null ? undefined : "After"}
            {...viewerProps}
            splitView={viewerProps.splitView}
          />
        </div>
      </section>
      {diff.texts.map((t) => (
        <section key={t.field}>
          <h3 className="mb-2 text-sm font-semibold">
            <span className="font-mono">{t.field}</span>, line by line
          </h3>
          <div className="overflow-x-auto rounded border border-slate-200 text-xs">
            <ReactDiffViewer oldValue={t.before} newValue={t.after} {...viewerProps} />
          </div>
        </section>
      ))}
    </div>
  );
}

function EntryDetails({ entry }: { entry: AuditEntryView }) {
  // Only what the server sent: a field the viewer may not see is absent, so its row is too.
  const what = [entry.action, entry.tableName && `on ${entry.tableName}`].filter(Boolean).join(" ");
  const rows: [string, React.ReactNode][] = [
    [
      "Entry",
      `#${entry.id}${what ? ` · ${what}` : ""}${entry.recordPk ? ` (${entry.recordPk})` : ""}`,
    ],
  ];
  if (entry.occurredAt) {
    rows.push([
      "When",
      <time key="t" dateTime={entry.occurredAt}>
        {entry.occurredAt}
      </time>,
    ]);
  }
  if (entry.message !== undefined) rows.push(["Message", entry.message]);
  if (entry.comment) rows.push(["Comment", entry.comment]);
  if (entry.actor) {
    rows.push(["Actor", `${entry.actor.label} (${entry.actor.type})`]);
    if (entry.actor.detail) rows.push(["Actor detail", entry.actor.detail]);
    if (entry.actor.apiKeyId) rows.push(["API key", `#${entry.actor.apiKeyId}`]);
  }
  if (entry.ip !== undefined) rows.push(["IP", entry.ip ?? "—"]);
  const f = entry.forensics;
  if (f) {
    rows.push(["Channel", f.channel]);
    if (f.userAgent) rows.push(["User agent", f.userAgent]);
    if (f.requestId) rows.push(["Request id", f.requestId]);
    if (f.accountId) rows.push(["Account", String(f.accountId)]);
    if (f.ingressId) rows.push(["Ingress", String(f.ingressId)]);
    if (f.relatedIds.length > 0) rows.push(["Related", f.relatedIds.join(", ")]);
  }
  return (
    <dl className="grid grid-cols-[8rem_1fr] gap-x-4 gap-y-1 text-sm">
      {rows.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-slate-500">{k}</dt>
          <dd className="break-all">{v}</dd>
        </div>
      ))}
    </dl>
  );
}
