import { csvText } from "@/lib/http/csv";
import { downloadResponse, exportRefused } from "@/lib/http/download";
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
 * viewer's visible fields under the viewer's labels. Each export writes a GENERATE entry naming
 * which filters narrowed it, never their values.
 */

const BATCH = 1000;

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

const csvRows = (rows: readonly CdrRow[], fields: readonly CdrFieldKey[]) =>
  rows.map((r) => fields.map((k) => cell(r.values[k])));

const cdrExportMessage = (narrowedBy: readonly string[]) =>
  "Generated CSV export of CDRs" +
  (narrowedBy.length > 0 ? ` (narrowed by ${narrowedBy.join(", ")})` : "");

/** The export for a viewer whose policy is known (the route handlers below, and the tests). */
export async function streamCdrExport(
  db: DbOrTx,
  policy: CdrViewerPolicy,
  actor: ActorContext,
  searchParams: RawSearchParams,
): Promise<Response> {
  const params = { ...parseCdrPageParams(searchParams), cursor: "" };
  const first = await findCdrPage(db, policy, params, { pageSize: BATCH });
  if (!first.ok) return exportRefused(400, first.error);

  await recordAuditEvent(db, actor, {
    action: "GENERATE",
    tableName: "cdrs",
    accountId: policy.scope.kind === "all" ? null : policy.scope.accountId,
    message: cdrExportMessage(first.narrowedBy),
  });

  const fields = policy.fields.visible;
  const header = fields.map((k) => policy.fields.labels[k] ?? k);
  const encoder = new TextEncoder();
  let page: typeof first.page | null = first.page;
  let headed = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!page) return controller.close();
      const chunk = csvText(csvRows(page.rows, fields), headed ? undefined : header);
      headed = true;
      if (chunk) controller.enqueue(encoder.encode(chunk));
      const cursor = page.nextCursor;
      if (!cursor) {
        page = null;
        return;
      }
      const next = await findCdrPage(db, policy, { ...first.params, cursor }, { pageSize: BATCH });
      page = next.ok ? next.page : null;
    },
  });
  return downloadResponse(stream, "cdrs", "csv");
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
  );
}
