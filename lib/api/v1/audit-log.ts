import { z } from "zod";
import { AUDIT_ACTIONS } from "@/db/schema";
import { findAuditEntryForViewer } from "@/lib/audit/queries/audit-entry";
import {
  AUDIT_SORT_KEYS,
  decodeCursor,
  findAuditPage,
  type AuditListRow,
} from "@/lib/audit/queries/audit-log";
import { parseAuditPageParams } from "@/lib/search/audit-page-params";
import { AUDIT_COLUMNS } from "@/lib/visibility/audit-columns";
import {
  auditQueryFor,
  auditViewerPolicy,
  maskedData,
  mayUse,
  type AuditViewerPolicy,
} from "@/lib/visibility/viewer-policy";
import { problem } from "@/lib/http/problem";
import { readEndpoint, type ApiContext } from "../endpoint";
import {
  idParams,
  narrowedByShape,
  notFoundProblem,
  pageOf,
  queryProblem,
  recordBulkRead,
} from "./common";

/**
 * /audit-log: the audit page's read through a key, as the key's owner. The viewer policy built
 * from the owner decides everything, as on the page and in the export: which entries (scope),
 * which columns (a hidden column is neither selected nor sent: no `ip` member at all for a
 * support key), which data fields are masked, and which columns may be searched, filtered or
 * sorted (any other is a 400 that names the column, never the value). Each list call writes one
 * GET entry naming what narrowed it and how many entries it returned.
 */

const ACCESS = [{ permission: "audit:read", audience: "any" }] as const;

const dataSchema = z.record(z.string(), z.unknown()).nullable();

const auditEntrySchema = z
  .object({
    id: z.number().int().describe("The entry's id: GET /audit-log/{id} for its details"),
    user: z.string().optional().describe("The User column: staff name, Portal, owner · key"),
    actorType: z.string().optional(),
    ip: z.string().nullable().optional().describe("Only when IP is among the caller's columns"),
    occurredAt: z.string().optional().describe("UTC, microseconds"),
    recordPk: z.string().nullable().optional(),
    action: z.enum(AUDIT_ACTIONS).optional(),
    tableName: z.string().optional(),
    message: z.string().optional(),
    comment: z.string().nullable().optional(),
    data: z
      .object({ before: dataSchema, after: dataSchema })
      .optional()
      .describe("Masked as the caller's role requires"),
  })
  .describe("An entry with the caller's visible columns only; the others are absent")
  .meta({ id: "AuditEntry" });
type AuditEntryResource = z.infer<typeof auditEntrySchema>;

const auditEntryDetailsSchema = z
  .object({
    id: z.number().int(),
    occurredAt: z.string().optional(),
    action: z.enum(AUDIT_ACTIONS).optional(),
    tableName: z.string().optional(),
    recordPk: z.string().nullable().optional(),
    message: z.string().optional(),
    comment: z.string().nullable().optional(),
    actor: z
      .object({
        type: z.string(),
        label: z.string(),
        detail: z.string().nullable(),
        apiKeyId: z.number().int().nullable().optional(),
      })
      .optional(),
    ip: z.string().nullable().optional(),
    forensics: z
      .object({
        channel: z.string(),
        requestId: z.string().nullable(),
        userAgent: z.string().nullable(),
        accountId: z.number().int().nullable(),
        ingressId: z.number().int().nullable(),
        relatedIds: z.array(z.string()),
      })
      .optional()
      .describe("Staff only"),
    data: z.object({ before: dataSchema, after: dataSchema }).optional(),
  })
  .describe("One entry as the details popup shows it to the caller")
  .meta({ id: "AuditEntryDetails" });

const list = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .describe("Comma-separated values (at most 20); any one matches");

/** The page's parameters (lib/search/audit-page-params.ts), refused rather than ignored when malformed. */
const auditLogQuery = z.object({
  q: z
    .string()
    .max(500)
    .optional()
    .describe("The audit page's search language, e.g. `table:accounts ip:203.0.113.0/24 smith`"),
  sort: z.enum(AUDIT_SORT_KEYS).optional().describe("Only a column among the caller's"),
  dir: z.enum(["asc", "desc"]).optional(),
  action: list,
  table: list,
  user: list,
  ip: list,
  pk: list,
  from: z.string().max(32).optional().describe("Occurred at or after (the page's date syntax)"),
  to: z.string().max(32).optional().describe("Occurred before"),
  cursor: z.string().max(400).optional().describe("nextCursor of the previous page"),
  size: z.coerce.number().int().min(1).max(1000).optional().describe("Entries a page, default 50"),
});

const DEFAULT_SIZE = 50;

const headerOf = (key: (typeof AUDIT_COLUMNS)[number]["key"]) =>
  AUDIT_COLUMNS.find((c) => c.key === key)!.header;

/** An entry as the policy shows it: hidden columns absent (not null), data masked. */
export function entryResource(row: AuditListRow, policy: AuditViewerPolicy): AuditEntryResource {
  const shows = (column: (typeof AUDIT_COLUMNS)[number]["key"]) => policy.visible.includes(column);
  return {
    id: row.id,
    ...(shows("user") ? { user: row.user, actorType: row.actorType } : {}),
    ...(shows("ip") ? { ip: row.ip ?? null } : {}),
    ...(shows("occurredAt") ? { occurredAt: row.cursorAt } : {}),
    ...(shows("recordPk") ? { recordPk: row.recordPk ?? null } : {}),
    ...(shows("action") ? { action: row.action as AuditEntryResource["action"] } : {}),
    ...(shows("tableName") ? { tableName: row.tableName } : {}),
    ...(shows("message") ? { message: row.message, comment: row.comment ?? null } : {}),
    ...(shows("data")
      ? {
          data: {
            before: maskedData(policy, row.dataTable ?? "", row.before ?? null),
            after: maskedData(policy, row.dataTable ?? "", row.after ?? null),
          },
        }
      : {}),
  };
}

async function policyOf(ctx: ApiContext) {
  return auditViewerPolicy(ctx.db, ctx.user);
}

const noAuditLog = () =>
  problem({ status: 403, detail: "The key's owner may not read the audit log." });

const listAuditLogEndpoint = readEndpoint({
  path: "/audit-log",
  summary: "List audit entries",
  tag: "Audit log",
  description:
    "The audit page's view through a key: the same search language in `q`, the same filters " +
    "and sorts, the caller's scope, columns and masks. Newest first unless sorted; follow " +
    "`nextCursor` with the same parameters. Writes one GET entry per call.",
  access: ACCESS,
  portalFeature: "auditLog",
  query: auditLogQuery,
  response: pageOf(auditEntrySchema).meta({ id: "AuditEntryPage" }),
  bulk: true,
  read: async (ctx, { query }) => {
    const policy = await policyOf(ctx);
    if (!policy) return noAuditLog();
    const { size, ...pageQuery } = query;
    if (query.sort && query.sort !== "occurredAt" && !mayUse(policy, query.sort)) {
      // The page falls back to the default order; a client is told, so it never mistakes the order.
      return queryProblem(`${headerOf(query.sort)} is not among your columns.`);
    }
    const cursor = decodeCursor(query.cursor);
    if (query.cursor && cursor === null) return queryProblem("cursor is not one this API gave.");
    const params = parseAuditPageParams(pageQuery);
    const { where, sort, searchError, filterError, narrowedBy } = auditQueryFor(policy, params);
    if (searchError) return queryProblem(`q: ${searchError}`);
    if (filterError) return queryProblem(filterError);

    const page = await findAuditPage(ctx.db, {
      scope: policy.scope,
      where,
      sort,
      cursor,
      direction: "next",
      pageSize: size ?? DEFAULT_SIZE,
      columns: policy.visible,
      withData: true,
    });
    await recordBulkRead(ctx, {
      tableName: "audit_log",
      accountId: policy.scope.kind === "account" ? policy.scope.accountId : null,
      count: page.rows.length,
      noun: ["audit entry", "audit entries"],
      shape: narrowedByShape(narrowedBy),
    });
    return {
      body: {
        data: page.rows.map((row) => entryResource(row, policy)),
        nextCursor: page.nextCursor,
      },
    };
  },
});

const getAuditEntryEndpoint = readEndpoint({
  path: "/audit-log/{id}",
  summary: "Get an audit entry",
  tag: "Audit log",
  description:
    "One entry with its details, as the page's details popup shows it to the caller. An entry " +
    "outside the caller's scope is a 404. Single reads write no entry.",
  access: ACCESS,
  portalFeature: "auditLog",
  params: idParams,
  response: auditEntryDetailsSchema,
  read: async (ctx, { params }) => {
    const policy = await policyOf(ctx);
    if (!policy) return noAuditLog();
    const entry = await findAuditEntryForViewer(ctx.db, params.id as number, policy);
    return entry ? { body: entry } : notFoundProblem();
  },
});

export const auditLogEndpoints = { list: listAuditLogEndpoint, get: getAuditEntryEndpoint };
