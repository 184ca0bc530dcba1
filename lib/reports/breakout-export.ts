import { csvText } from "@/lib/http/csv";
import { downloadResponse, exportRefused } from "@/lib/http/download";
import { getDb, type DbOrTx } from "@/db/client";
import type { ActorContext } from "@/lib/audit/actor";
import { recordAuditEvent } from "@/lib/audit/core";
import { actorFor } from "@/lib/auth/session";
import { loadCdrViewer, type CdrViewerPolicy } from "@/lib/cdrs/viewer-policy";
import {
  EXPORT_ROW_LIMIT,
  findBreakoutReport,
  type BreakoutPlan,
  type BreakoutReport,
} from "@/lib/reports/breakout";
import { parseBreakoutParams } from "@/lib/reports/breakout-params";

/**
 * The breakout report as CSV: the report the page shows for the same URL, with only the
 * viewer's visible columns and the totals row(s), written after a GENERATE entry that names
 * how it was grouped and narrowed (names only, never values).
 */


const listed = (names: string[]) =>
  names.length <= 1
    ? (names[0] ?? "")
    : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;

/**
 * How a report was cut, by names only (column labels, never values): "grouped by Breakout and
 * Customer per day, narrowed by customer". The export's and the API's entries say it.
 */
export function breakoutShape(plan: BreakoutPlan): string {
  const groups = plan.columns.filter((c) => c.kind === "group").map((c) => c.label);
  const period = plan.period === "none" ? "" : `per ${plan.period}`;
  const grouping =
    groups.length > 0
      ? `grouped by ${listed(groups)}${period ? ` ${period}` : ""}`
      : period
        ? `grouped ${period}`
        : "not grouped";
  const narrowed = plan.narrowedBy.length > 0 ? `, narrowed by ${listed(plan.narrowedBy)}` : "";
  return `${grouping}${narrowed}`;
}

/** "Exported the breakout report (CSV), grouped by Breakout and Customer per day, narrowed by …" */
const breakoutExportMessage = (plan: BreakoutPlan) =>
  `Exported the breakout report (CSV), ${breakoutShape(plan)}`;

/** The CSV text: header, rows, then the totals (a "Total" row per currency when money shows). */
function breakoutCsv(report: BreakoutReport): string {
  const { columns } = report.plan;
  const cell = (v: unknown) => (v === null || v === undefined ? "" : String(v));
  const lines = report.rows.map((row) => columns.map((c) => cell(row[c.key])));
  // Without period or groups the rows are the totals already.
  const keyed = columns.some((c) => c.kind === "group" || c.kind === "period");
  if (keyed) {
    for (const total of report.totals) {
      lines.push(columns.map((c, i) => (i === 0 ? "Total" : cell(total[c.key]))));
    }
  }
  return csvText(lines, columns.map((c) => c.label));
}

/** Runs the export for a viewer whose policy is known; `url` carries the report's parameters. */
export async function exportBreakoutCsv(
  db: DbOrTx,
  policy: CdrViewerPolicy,
  actor: ActorContext,
  url: URL,
): Promise<Response> {
  const params = parseBreakoutParams(
    Object.fromEntries(
      [...new Set(url.searchParams.keys())].map((k) => {
        const all = url.searchParams.getAll(k);
        return [k, all.length === 1 ? all[0] : all];
      }),
    ),
    policy.viewer.timeZone,
  );
  const result = await findBreakoutReport(db, policy, params, {
    limit: EXPORT_ROW_LIMIT,
    chart: false,
  });
  if (result.refused.length > 0) return exportRefused(400, result.refused.join(" "));
  if (!result.ok) return exportRefused(400, result.error);
  const { report } = result;
  await recordAuditEvent(db, actor, {
    action: "GENERATE",
    tableName: "cdrs",
    accountId: policy.scope.kind === "all" ? null : policy.scope.accountId,
    message: breakoutExportMessage(report.plan),
  });
  return downloadResponse(breakoutCsv(report), "breakout", "csv");
}

/** The route handlers' door: the session's viewer, in the app (staff or portal) of the route. */
export async function breakoutExportResponse(
  req: Request,
  audience: "staff" | "portal",
): Promise<Response> {
  const { user, policy } = await loadCdrViewer();
  if (!user) return exportRefused(401, "Sign in first.");
  const inApp = policy && (policy.audience === "staff") === (audience === "staff");
  if (!policy || !inApp) return exportRefused(403, "Your role does not allow this report.");
  return exportBreakoutCsv(await getDb(), policy, await actorFor(user), new URL(req.url));
}
