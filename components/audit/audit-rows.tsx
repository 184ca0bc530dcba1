"use client";

import { CommentIcon } from "@/components/ui/icons";
import type { AuditColumnKey } from "@/lib/visibility/audit-columns";
import { DiffDialog, useDiffDialog } from "./diff-dialog";

/**
 * One row as the browser receives it: plain data, so the page's RSC payload carries each value
 * once and the markup only once (in the HTML), instead of every cell's element tree a second time.
 * A tuple rather than an object: key names repeated on 50 rows were 4 KB of every page. A column
 * the viewer may not see is null here (the server leaves its value out), as is an empty value.
 */
export type AuditRowView = [
  id: number,
  user: string | null,
  ip: string | null,
  /** The exact time (ISO, UTC), shown on hover. */
  at: string | null,
  /** The same time in the viewer's time zone, formatted on the server. */
  when: string | null,
  pk: string | null,
  action: string | null,
  table: string | null,
  message: string | null,
  comment: string | null,
  /** 1: the entry has before/after data (fetched by View Difference, never embedded). */
  hasData: 0 | 1,
];

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
      {rows.map((row) => {
        const [id, , , , , , , , message] = row;
        const openDiff = (opener: HTMLElement) =>
          diff.show(`${entryBase}${id}`, `Entry #${id}${message ? `: ${message}` : ""}`, opener);
        return (
          <tr key={id} data-entry-id={id}>
            {columns.map((column) => (
              <td key={column} data-column={column}>
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
  const [, user, ip, at, when, pk, action, table, message, comment, hasData] = row;
  switch (column) {
    case "user":
      return user;
    case "ip":
      return ip ?? "—";
    case "occurredAt":
      return at ? (
        <time dateTime={at} title={at}>
          {when}
        </time>
      ) : null;
    case "recordPk":
      return pk ?? "—";
    case "action":
      return action ? (
        <span className={`badge ${ACTION_TONES[action] ?? ""}`}>{action}</span>
      ) : null;
    case "tableName":
      return table;
    case "message":
      return (
        <>
          {message}
          {comment ? (
            <small title={comment} data-testid="audit-comment">
              <CommentIcon className="mr-1 inline size-3.5 align-[-2px]" />
              <span className="sr-only">Reason for this change: </span>
              {comment}
            </small>
          ) : null}
        </>
      );
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
