import { z } from "zod";
import { cdrViewerPolicy } from "@/lib/cdrs/viewer-policy";
import { problem } from "@/lib/http/problem";
import { findBreakoutReport } from "@/lib/reports/breakout";
import { breakoutShape } from "@/lib/reports/breakout-export";
import {
  BREAKOUT_GROUP_KEYS,
  BREAKOUT_PERIODS,
  BREAKOUT_SORT_KEYS,
  MAX_IDS,
  parseBreakoutParams,
} from "@/lib/reports/breakout-params";
import { readEndpoint } from "../endpoint";
import { queryProblem, recordBulkRead } from "./common";

/**
 * /reports/breakout: the breakout report through a key, as the key's owner. The owner's CDR
 * policy decides the columns (a hidden one is never computed) and the traffic (a portal key its
 * own account's); a grouping, filter or sort on a column outside it is a 400 naming the column.
 * Each call writes one GET entry saying how the report was grouped and narrowed, by names only.
 */

type RawList = string | string[] | undefined;
const valuesOf = (v: RawList) =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v])
    .flatMap((s) => s.split(","))
    .map((s) => s.trim())
    .filter(Boolean);

/** Comma-separated values (or the parameter repeated), each checked; no transform, so the
 * OpenAPI document can describe it. */
const listOf = (valid: (value: string) => boolean, message: string, max = Infinity) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .refine((v) => valuesOf(v).every(valid), message)
    .refine((v) => valuesOf(v).length <= max, `at most ${max} values`);

const accountIds = listOf(
  (s) => /^[1-9]\d{0,15}$/.test(s),
  "must be account ids",
  MAX_IDS,
).describe("Comma-separated account ids");

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a day, YYYY-MM-DD")
  .optional();

/** The report page's parameters (lib/reports/breakout-params.ts), refused when malformed. */
const breakoutQuery = z.object({
  from: day.describe("First day (UTC days of the roll-up); default 7 days up to today"),
  to: day.describe("Last day, at most 366 days after from"),
  group: listOf(
    (k) => k === "none" || (BREAKOUT_GROUP_KEYS as readonly string[]).includes(k),
    `must be among ${BREAKOUT_GROUP_KEYS.join(", ")} or none`,
  ).describe(
    `Comma-separated: ${BREAKOUT_GROUP_KEYS.join(", ")}; none for no grouping; absent: the caller's default`,
  ),
  period: z.enum(BREAKOUT_PERIODS).optional(),
  customer: accountIds,
  carrier: accountIds,
  sort: z.enum(BREAKOUT_SORT_KEYS).optional(),
  dir: z.enum(["asc", "desc"]).optional(),
});

const cell = z.union([z.string(), z.number(), z.null()]);
const rowSchema = z
  .record(z.string(), cell)
  .describe("Cells under the keys of `columns`")
  .meta({ id: "BreakoutRow" });

const breakoutReportSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    period: z.enum(BREAKOUT_PERIODS),
    columns: z.array(
      z
        .object({ key: z.string(), label: z.string(), kind: z.string() })
        .meta({ id: "BreakoutColumn" }),
    ),
    rows: z.array(rowSchema),
    totals: z.array(rowSchema).describe("Over the whole result; one per currency when money shows"),
    truncated: z.boolean().describe("More rows matched than were sent (totals still cover all)"),
  })
  .meta({ id: "BreakoutReport" });

const breakoutEndpoint = readEndpoint({
  path: "/reports/breakout",
  summary: "Breakout report",
  tag: "Reports",
  description:
    "The report page's figures for the same parameters, with the caller's columns only. Writes " +
    "one GET entry per call.",
  access: [{ permission: "cdr:read", audience: "any" }],
  portalFeature: "breakout",
  query: breakoutQuery,
  response: breakoutReportSchema,
  bulk: true,
  read: async (ctx, { query }) => {
    const policy = await cdrViewerPolicy(ctx.db, ctx.user);
    if (!policy) return problem({ status: 403, detail: "The key's owner may not read reports." });
    const raw = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined));
    const params = parseBreakoutParams(raw, policy.viewer.timeZone);
    // A day the calendar lacks (2026-02-30) the page replaces with its default; refuse it here.
    for (const key of ["from", "to"] as const) {
      if (query[key] && params[key] !== query[key]) {
        return problem({
          status: 400,
          detail: "Check the query parameters.",
          errors: { [key]: ["is not a day of the calendar"] },
        });
      }
    }
    const result = await findBreakoutReport(ctx.db, policy, params, { chart: false });
    // Refusals name the column, never a value.
    if (result.refused.length > 0) return queryProblem(result.refused.join(" "));
    if (!result.ok) return queryProblem(result.error);
    const { report } = result;
    await recordBulkRead(ctx, {
      tableName: "cdrs",
      accountId: policy.scope.kind === "all" ? null : policy.scope.accountId,
      count: report.rows.length,
      noun: ["breakout row", "breakout rows"],
      shape: [breakoutShape(report.plan)],
    });
    return {
      body: {
        from: report.plan.from,
        to: report.plan.to,
        period: report.plan.period,
        columns: report.plan.columns,
        rows: report.rows,
        totals: report.totals,
        truncated: report.truncated,
      },
    };
  },
});

export const breakoutEndpoints = { report: breakoutEndpoint };
