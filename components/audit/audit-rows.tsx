"use client";

import type { AuditRowView } from "@/lib/audit/row-view";
import type { AuditColumnKey } from "@/lib/visibility/audit-columns";
import { DiffDialog, useDiffDialog } from "./diff-dialog";
import { useLiveRows } from "./live-tail";
import { AuditMessage } from "./audit-message";

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

/**
 * The table's body and its one View Difference dialog. Cells are styled by column in CSS, which
 * also gives each cell its label when the table is stacked into cards (so the labels are not
 * repeated in every row's markup).
 */
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
  // New entries from the live tail go on top; a refreshed page may already hold some of them.
  const live = useLiveRows();
  const shown = new Set(rows.map((row) => row[0]));
  const fresh = live.filter((row) => !shown.has(row[0]));
  const all = fresh.length > 0 ? [...fresh, ...rows] : rows;
  return (
    <tbody role="rowgroup">
      {all.length === 0 ? (
        <tr role="row">
          <td role="cell" colSpan={columns.length} className="py-10 text-center text-slate-500">
            {emptyText}
          </td>
        </tr>
      ) : null}
      {all.map((row, index) => {
        const [id, , , , , , , , message] = row;
        const openDiff = (opener: HTMLElement) =>
          diff.show(`${entryBase}${id}`, `Entry #${id}${message ? `: ${message}` : ""}`, opener);
        return (
          <tr
            role="row"
            key={id}
            data-entry-id={id}
            data-live={index < fresh.length ? "" : undefined}
            className={index < fresh.length ? "bg-emerald-50" : undefined}
          >
            {columns.map((column) => (
              <td role="cell" key={column} data-column={column}>
                {cell(column, row, openDiff)}
              </td>
            ))}
          </tr>
        );
      })}
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
  const [, user, ip, at, when, pk, action, table, message, comment, hasData, whenFull] = row;
  switch (column) {
    case "user":
      return user;
    case "ip":
      return ip ?? "—";
    case "occurredAt":
      return at && when ? <AuditTime at={at} when={when} full={whenFull ?? when} /> : null;
    case "recordPk":
      return pk ?? "—";
    case "action":
      return action ? (
        <span className={`badge ${ACTION_TONES[action] ?? ""}`}>{action}</span>
      ) : null;
    case "tableName":
      return table;
    case "message":
      return <AuditMessage message={message} comment={comment} />;
    case "data":
      return hasData ? (
        <button
          type="button"
          aria-haspopup="dialog"
          onClick={(event) => openDiff(event.currentTarget)}
        >
          View Difference
        </button>
      ) : (
        "—"
      );
  }
}

/**
 * The short time, which may wrap between the date and the time of day but not inside either;
 * screen readers get the full time (with the zone) instead, and hovering shows it.
 */
function AuditTime({ at, when, full }: { at: string; when: string; full: string }) {
  const split = when.lastIndexOf(" ");
  return (
    <time dateTime={at} title={full}>
      <span aria-hidden="true">
        <span>{when.slice(0, split)}</span> <span>{when.slice(split + 1)}</span>
      </span>
      <span className="sr-only">{full}</span>
    </time>
  );
}
