import { csvText } from "@/lib/http/csv";
import {
  downloadResponse,
  exportMessage,
  exportRefused,
  recordedExportBody,
} from "@/lib/http/download";
import { getDb, type DbOrTx } from "@/db/client";
import type { ActorContext } from "@/lib/audit/actor";
import { recordAuditEvent } from "@/lib/audit/core";
import { actorFor } from "@/lib/auth/session";
import type { CdrFieldKey } from "./fields";
import { parseCdrPageParams, type RawSearchParams } from "./page-params";
import { findCdrPage, type CdrRow } from "./queries";
import { loadCdrViewer, type CdrViewerPolicy } from "./viewer-policy";

/**
 * Streams the current view of the CDR page as CSV: the same filters, scope and date range, page
 * by page through the same keyset query (constant memory whatever the size), with only the
 * viewer's visible fields under the viewer's labels. Each export writes a GENERATE entry when it
 * ends (rows written, or cancelled after N rows) naming which filters narrowed it, never their
 * values.
 */

const BATCH = 1000;

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

const csvRows = (rows: readonly CdrRow[], fields: readonly CdrFieldKey[]) =>
  rows.map((r) => fields.map((k) => cell(r.values[k])));

/** The export for a viewer whose policy is known (the route handlers below, and the tests). */
export async function streamCdrExport(
  db: DbOrTx,
  policy: CdrViewerPolicy,
  actor: ActorContext,
  searchParams: RawSearchParams,
  /** The request's: a client that goes away cancels the export (and its entry says so). */
  signal: AbortSignal = new AbortController().signal,
): Promise<Response> {
  const params = { ...parseCdrPageParams(searchParams), cursor: "" };
  const first = await findCdrPage(db, policy, params, { pageSize: BATCH });
  if (!first.ok) return exportRefused(400, first.error);

  const fields = policy.fields.visible;
  const header = fields.map((k) => policy.fields.labels[k] ?? k);
  let page: typeof first.page | null = first.page;
  let headed = false;
  const body = recordedExportBody({
    signal,
    async nextPage() {
      const rows = page?.rows ?? [];
      const text = csvText(csvRows(rows, fields), headed ? undefined : header);
      headed = true;
      const cursor = page?.nextCursor;
      if (cursor) {
        const next = await findCdrPage(
          db,
          policy,
          { ...first.params, cursor },
          { pageSize: BATCH },
        );
        page = next.ok ? next.page : null;
      } else page = null;
      return { text, rows: rows.length, last: !page };
    },
    record: (outcome) =>
      recordAuditEvent(db, actor, {
        action: "GENERATE",
        tableName: "cdrs",
        accountId: policy.scope.kind === "all" ? null : policy.scope.accountId,
        message: exportMessage("CSV export of CDRs", first.narrowedBy, outcome),
      }),
  });
  return downloadResponse(body, "cdrs", "csv");
}

/** GET …/cdrs/export: the signed-in viewer's CDRs, staff in the Control Panel, account users in the portal. */
export async function cdrExportResponse(
  req: Request,
  audience: "staff" | "portal",
): Promise<Response> {
  const { user, policy } = await loadCdrViewer();
  if (!user) return exportRefused(401, "Sign in first.");
  if (!policy || (policy.audience === "staff") !== (audience === "staff")) {
    return exportRefused(403, "Your role does not allow exporting these CDRs.");
  }
  const url = new URL(req.url);
  return streamCdrExport(
    await getDb(),
    policy,
    await actorFor(user),
    Object.fromEntries(url.searchParams),
    req.signal,
  );
}
