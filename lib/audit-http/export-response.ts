import { csvText } from "@/lib/http/csv";
import { downloadResponse, exportRefused, recordedExportBody } from "@/lib/http/download";
import { getDb } from "@/db/client";
import { decodeCursor, findAuditPage, type AuditListRow } from "@/lib/audit/queries/audit-log";
import { recordAuditEvent } from "@/lib/audit/core";
import { auditExportMessage } from "./export-message";
import { actorFor } from "@/lib/auth/session";
import { parseAuditPageParams } from "@/lib/search/audit-page-params";
import { AUDIT_COLUMNS, type AuditColumnKey } from "@/lib/visibility/audit-columns";
import { loadAuditViewer } from "@/lib/visibility/current-policy";
import { auditQueryFor, maskedData, type AuditViewerPolicy } from "@/lib/visibility/viewer-policy";

/**
 * Streams the current view of the audit log as CSV or NDJSON, page by page through the same
 * keyset query as the page (constant memory whatever the size), with only the visible columns.
 */

const BATCH = 1000;

function cellValues(
  row: AuditListRow,
  columns: readonly AuditColumnKey[],
  policy: AuditViewerPolicy,
) {
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    switch (c) {
      case "user":
        out.user = row.user;
        break;
      case "ip":
        out.ip = row.ip ?? "";
        break;
      case "occurredAt":
        out.occurredAt = row.cursorAt;
        break;
      case "recordPk":
        out.recordPk = row.recordPk ?? "";
        break;
      case "action":
        out.action = row.action;
        break;
      case "tableName":
        out.tableName = row.tableName;
        break;
      case "message":
        out.message = row.message;
        break;
      case "data":
        out.data = {
          before: maskedData(policy, row.dataTable ?? "", row.before ?? null),
          after: maskedData(policy, row.dataTable ?? "", row.after ?? null),
        };
        break;
    }
  }
  return out;
}

export async function auditExportResponse(
  req: Request,
  audience: "staff" | "portal",
): Promise<Response> {
  const { user, policy } = await loadAuditViewer();
  if (!user) return exportRefused(401, "Sign in first.");
  if (!policy || policy.audience !== audience || !policy.canExport) {
    return exportRefused(403, "Your role does not allow exporting the audit log.");
  }
  const url = new URL(req.url);
  const format = url.searchParams.get("format") ?? "csv";
  if (format !== "csv" && format !== "ndjson")
    return exportRefused(400, 'format must be "csv" or "ndjson".');
  const params = parseAuditPageParams(Object.fromEntries(url.searchParams));
  const { where, sort, searchError, filterError, narrowedBy } = auditQueryFor(policy, params);
  if (searchError) return exportRefused(400, searchError);
  if (filterError) return exportRefused(400, filterError);

  const db = await getDb();
  const { scope, visible } = policy;
  // Taken now: the entry may be written after the request has gone (a cancelled download).
  const actor = await actorFor(user);
  const headers = AUDIT_COLUMNS.filter((c) => visible.includes(c.key));
  let cursor: string | null = null;
  let first = true;
  const body = recordedExportBody({
    signal: req.signal,
    async nextPage() {
      const page = await findAuditPage(db, {
        scope,
        where,
        sort,
        cursor: decodeCursor(cursor),
        direction: "next",
        pageSize: BATCH,
        columns: visible,
        withData: true,
      });
      const rows = page.rows.map((r) => cellValues(r, visible, policy));
      let text: string;
      if (format === "csv") {
        text = csvText(
          rows.map((r) =>
            headers.map((h) => {
              const v = r[h.key];
              return typeof v === "string" ? v : v === undefined ? "" : JSON.stringify(v);
            }),
          ),
          first ? headers.map((h) => h.header) : undefined,
        );
      } else {
        text = rows.map((r) => JSON.stringify(r)).join("\n") + (rows.length ? "\n" : "");
      }
      first = false;
      cursor = page.nextCursor;
      return { text, rows: rows.length, last: !cursor };
    },
    // Every staff member reads this entry: it names what narrowed the export, never the values
    // (an admin's IP search must not show the IP to support).
    record: (outcome) =>
      recordAuditEvent(db, actor, {
        action: "GENERATE",
        tableName: "audit_log",
        accountId: scope.kind === "account" ? scope.accountId : null,
        message: auditExportMessage(format, narrowedBy, outcome),
      }),
  });
  return downloadResponse(body, "audit-log", format);
}
