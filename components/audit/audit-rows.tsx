"use client";

import type { AuditColumnKey } from "@/lib/visibility/audit-columns";
import { DiffDialog, useDiffDialog } from "./diff-dialog";

/**
 * One row as the browser receives it: only the viewer's visible columns (the server leaves the
 * others out), empty values left out too. Plain data, so the page's RSC payload carries each
 * value once and the markup only once (in the HTML), instead of every cell's element tree twice.
 */
export type AuditRowView = {
  id: number;
  user?: string;
  ip?: string;
  /** The exact time (ISO, UTC), shown on hover. */
  at?: string;
  /** The same time in the viewer's time zone, formatted on the server. */
  when?: string;
  pk?: string;
  action?: string;
  table?: string;
  message?: string;
  comment?: string;
  /** The entry has before/after data (fetched by View Difference, never embedded). */
  data?: true;
};

/** Colour per action; the shapes are in globals.css (.audit-table). */
const ACTION_TONES: Record<string, string> = {
  CREATE: "tone-green",
  POST: "tone-green",
  UPDATE: "tone-sky",
  PUT: "tone-sky",
  DELETE: "tone-red",
  LOGIN: "tone-slate",
  GENERATE: "tone-violet",
  PUBLISH: "tone-amber",
  SEND: "tone-indigo",
};

/** The table's body and its one View Difference dialog. Cells are styled by column in CSS. */
export function AuditRows({
  rows,
  columns,
  entryBase,
  emptyText,
}: {
  rows: AuditRowView[];
  columns: readonly AuditColumnKey[];
  /** Entry endpoint prefix, e.g. "/audit-log/entries/". */
  entryBase: string;
  emptyText: string;
}) {
  const diff = useDiffDialog();
  return (
    <tbody>
      {rows.length === 0 ? (
        <tr>
          <td colSpan={columns.length} className="py-10 text-center text-slate-500">
            {emptyText}
          </td>
        </tr>
      ) : null}
      {rows.map((row) => (
        <tr key={row.id} data-entry-id={row.id}>
          {columns.map((column) => (
            <td key={column} data-column={column}>
              {cell(column, row, (opener) =>
                diff.show(
                  `${entryBase}${row.id}`,
                  `Entry #${row.id}${row.message ? `: ${row.message}` : ""}`,
                  opener,
                ),
              )}
            </td>
          ))}
        </tr>
      ))}
      <DiffDialog
        target={diff.target}
        state={diff.state}
        onClose={diff.close}
        returnFocus={diff.returnFocus}
      />
    </tbody>
  );
}

function cell(
  column: AuditColumnKey,
  row: AuditRowView,
  openDiff: (opener: HTMLElement) => void,
): React.ReactNode {
  switch (column) {
    case "user":
      return row.user;
    case "ip":
      return row.ip ?? "—";
    case "occurredAt":
      return row.at ? (
        <time dateTime={row.at} title={row.at}>
          {row.when}
        </time>
      ) : null;
    case "recordPk":
      return row.pk ?? "—";
    case "action":
      return row.action ? (
        <span className={`badge ${ACTION_TONES[row.action] ?? ""}`}>{row.action}</span>
      ) : null;
    case "tableName":
      return row.table;
    case "message":
      return (
        <>
          {row.message}
          {row.comment ? <small>Reason: {row.comment}</small> : null}
        </>
      );
    case "data":
      return row.data ? (
        <button
          type="button"
          aria-haspopup="dialog"
          onClick={(event) => openDiff(event.currentTarget)}
        >
          View Difference
        </button>
      ) : (
        <span className="text-slate-400">—</span>
      );
  }
}
