"use client";

import * as Dialog from "@radix-ui/react-dialog";
import dynamic from "next/dynamic";
import { useRef, useState, useSyncExternalStore } from "react";
import type { AuditEntryView } from "@/lib/audit/queries/audit-entry";
import { splitForDiff } from "@/lib/audit/diff";

// The diff viewer is large and browser-only: loaded when a popup first opens, not with the page.
const ReactDiffViewer = dynamic(() => import("react-diff-viewer-continued"), {
  ssr: false,
  loading: () => <p className="text-sm text-slate-500">Loading diff…</p>,
});

export type LoadState =
  | { status: "loading" }
  | { status: "error"; message: string }
  | { status: "ready"; entry: AuditEntryView };

/** What the dialog shows: one entry, named by its label. */
export type DiffTarget = { url: string; label: string };

/**
 * One "View Difference" dialog for a whole table: a row's button opens it on that row's entry,
 * fetched from the entry endpoint (which applies the viewer's policy) when it opens, never
 * embedded in the page. Fetched entries are kept while the table is shown.
 */
export function useDiffDialog() {
  const [target, setTarget] = useState<DiffTarget | null>(null);
  const [state, setState] = useState<LoadState>({ status: "loading" });
  const loaded = useRef(new Map<string, AuditEntryView>());
  const current = useRef<string | null>(null);
  // No Radix trigger (one dialog serves every row): focus goes back to the row's button.
  const opener = useRef<HTMLElement | null>(null);

  function show(url: string, label: string, from: HTMLElement | null) {
    setTarget({ url, label });
    current.current = url;
    opener.current = from;
    const cached = loaded.current.get(url);
    if (cached) {
      setState({ status: "ready", entry: cached });
      return;
    }
    setState({ status: "loading" });
    fetch(url, { headers: { accept: "application/json" } })
      .then(async (res) => {
        if (!res.ok) {
          throw new Error(
            res.status === 404 ? "This entry is not available." : `Error ${res.status}`,
          );
        }
        const entry = (await res.json()) as AuditEntryView;
        loaded.current.set(url, entry);
        if (current.current === url) setState({ status: "ready", entry });
      })
      .catch((err: Error) => {
        if (current.current === url) setState({ status: "error", message: err.message });
      });
  }

  function close() {
    current.current = null;
    setTarget(null);
  }

  function returnFocus() {
    opener.current?.focus();
  }

  return { target, state, show, close, returnFocus };
}

export function DiffDialog({
  target,
  state,
  onClose,
  returnFocus,
}: {
  target: DiffTarget | null;
  state: LoadState;
  onClose: () => void;
  returnFocus: () => void;
}) {
  return (
    <Dialog.Root open={target !== null} onOpenChange={(open) => (open ? undefined : onClose())}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-slate-900/40" />
        <Dialog.Content
          onCloseAutoFocus={(event) => {
            event.preventDefault();
            returnFocus();
          }}
          className="fixed inset-4 z-50 flex flex-col overflow-hidden rounded-lg bg-white shadow-xl md:inset-x-[5vw] md:inset-y-8"
        >
          <div className="flex items-start justify-between gap-4 border-b border-slate-200 px-5 py-3">
            <div>
              <Dialog.Title className="font-semibold">{target?.label}</Dialog.Title>
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
  if (entry.comment) rows.push(["Reason for this change", entry.comment]);
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
