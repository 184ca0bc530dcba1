import { z } from "zod";
import { openCdrCursor } from "@/lib/cdrs/cdr-ref";
import { CDR_FIELDS, type CdrField } from "@/lib/cdrs/fields";
import { ingestCdrsOperation, MAX_CDR_BATCH } from "@/lib/cdrs/ingest";
import { parseCdrPageParams } from "@/lib/cdrs/page-params";
import { findCdrPage } from "@/lib/cdrs/queries";
import { cdrViewerPolicy } from "@/lib/cdrs/viewer-policy";
import { problem } from "@/lib/http/problem";
import { mutationEndpoint, readEndpoint } from "../endpoint";
import { narrowedByShape, recordBulkRead, pageOf, queryProblem, unreadParams } from "./common";

/**
 * /cdrs: the CDR page's read through a key, as the key's owner. The owner's CDR policy decides
 * the scope (a portal key reads its own account's calls), the fields (only the visible ones,
 * under their catalogue keys) and the filters (one on a field outside the policy is a 400). Each
 * call writes one GET entry. Records are named by the same sealed references as on the pages and
 * pages by the same sealed cursors. POST /cdrs/batches binds the switch's ingest operation.
 */

const READ = [{ permission: "cdr:read", audience: "any" }] as const;

/** JSON of a field by its catalogue type: exact decimals stay strings, as the pages read them. */
function valueSchema(field: CdrField) {
  switch (field.type) {
    case "time":
      return z.string().nullable().describe(`${field.label} (ISO 8601, UTC)`);
    case "text":
    case "ip":
      return z.string().nullable().describe(field.label);
    case "id":
      return z.number().int().nullable().describe(field.label);
    case "money":
      return z.string().nullable().describe(`${field.label} (decimal)`);
    case "bool":
      return z.boolean().nullable().describe(field.label);
    case "number":
    case "seconds":
      return z
        .union([z.number(), z.string()])
        .nullable()
        .describe(field.unit ? `${field.label} (${field.unit})` : field.label);
  }
}

const cdrSchema = z
  .object({
    ref: z.string().describe("Sealed reference of the record, as in the pages' record links"),
    ...Object.fromEntries(CDR_FIELDS.map((f) => [f.key, valueSchema(f).optional()])),
  })
  .describe("A CDR with the caller's visible fields only; the others are absent")
  .meta({ id: "Cdr" });

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional();

/** The CDR page's parameters (lib/cdrs/page-params.ts); malformed ones are refused, not ignored. */
const cdrQuery = z.object({
  from: z
    .string()
    .max(32)
    .optional()
    .describe("Wall-clock start in the key owner's time zone (YYYY-MM-DDTHH:MM or a day)"),
  to: z.string().max(32).optional().describe("Wall-clock end; at most 31 days after from"),
  account: id.describe("Customer account (staff)"),
  ingress: id.describe("Ingress route"),
  carrier: id.describe("Carrier account (staff)"),
  dest: z.string().max(100).optional().describe("Destination name, from its start"),
  sip: z.string().optional().describe("A final SIP code (486) or class (4xx)"),
  connected: z.enum(["true", "false", "1", "0"]).optional().describe("Connected calls only"),
  number: z.string().max(40).optional().describe("Digits from the start; a leading * anywhere"),
  order: z.enum(["newest", "oldest"]).optional(),
  cursor: z.string().max(200).optional().describe("nextCursor of the previous page"),
  size: z.coerce.number().int().min(1).max(1000).optional().describe("CDRs a page, default 50"),
});

const DEFAULT_SIZE = 50;

const cdrPageSchema = pageOf(cdrSchema)
  .extend({
    from: z.string().describe("The range read, in the key owner's time zone: pass it on"),
    to: z.string(),
    timeZone: z.string(),
  })
  .meta({ id: "CdrPage" });

const listCdrsEndpoint = readEndpoint({
  path: "/cdrs",
  summary: "List CDRs",
  tag: "CDRs",
  description:
    "The CDR page's view through a key: the caller's calls and fields, the same filters and " +
    "date range (default the last 24 hours, at most 31 days). Follow `nextCursor` with the same " +
    "parameters, and the `from` and `to` of the first page so that the range stays put. Writes " +
    "one GET entry per call.",
  access: READ,
  portalFeature: "cdrs",
  query: cdrQuery,
  response: cdrPageSchema,
  bulk: true,
  read: async (ctx, { query }) => {
    const policy = await cdrViewerPolicy(ctx.db, ctx.user);
    if (!policy) return problem({ status: 403, detail: "The key's owner may not read CDRs." });
    const { size, connected, account, ingress, carrier, ...texts } = query;
    if (query.cursor && !openCdrCursor(query.cursor)) {
      return queryProblem("cursor is not one this API gave.");
    }
    const raw = {
      ...texts,
      ...(account === undefined ? {} : { account: String(account) }),
      ...(ingress === undefined ? {} : { ingress: String(ingress) }),
      ...(carrier === undefined ? {} : { carrier: String(carrier) }),
      ...(connected === "true" || connected === "1" ? { connected: "1" } : {}),
    };
    const params = parseCdrPageParams(raw);
    const unread = unreadParams(raw, params);
    if (unread) return unread;

    const result = await findCdrPage(ctx.db, policy, params, { pageSize: size ?? DEFAULT_SIZE });
    // The refusal names the field or the range, never a value.
    if (!result.ok) return queryProblem(result.error);
    const { page } = result;
    await recordBulkRead(ctx, {
      tableName: "cdrs",
      accountId: policy.scope.kind === "all" ? null : policy.scope.accountId,
      count: page.rows.length,
      noun: ["CDR", "CDRs"],
      shape: narrowedByShape(result.narrowedBy),
    });
    return {
      body: {
        data: page.rows.map((row) => ({ ref: row.ref, ...row.values })),
        nextCursor: page.nextCursor,
        from: result.params.from,
        to: result.params.to,
        timeZone: policy.viewer.timeZone,
      },
    };
  },
});

const batchBodySchema = z
  .object({
    rows: z
      .array(z.record(z.string(), z.unknown()))
      .max(MAX_CDR_BATCH)
      .describe(
        "CDRs under the catalogue's snake_case keys (no id). Every row is checked before any " +
          "is written: one bad row refuses the batch",
      ),
  })
  .meta({ id: "CdrBatch" });

const batchResultSchema = z
  .object({
    count: z.number().int(),
    firstId: z.number().int(),
    lastId: z.number().int(),
  })
  .meta({ id: "CdrBatchResult" });

/** Bodies of a large batch: about 20,000 CDRs of the switch's usual size. */
const BATCH_BODY_BYTES = 16 * 1024 * 1024;

const ingestBatchEndpoint = mutationEndpoint({
  method: "POST",
  path: "/cdrs/batches",
  summary: "Import a batch of CDRs",
  tag: "CDRs",
  description:
    `For the switch (a staff key with cdr:ingest). At most ${MAX_CDR_BATCH.toLocaleString("en-US")} ` +
    "rows and 16 MiB (413 above). A batch with a bad row is refused whole with 422: `errors` " +
    "by row, `rowErrors` as a list and `badRows` counting them. Honours Idempotency-Key.",
  operation: ingestCdrsOperation,
  body: batchBodySchema,
  response: batchResultSchema,
  maxBodyBytes: BATCH_BODY_BYTES,
  respond: async (_ctx, { count, firstId, lastId }) => ({ body: { count, firstId, lastId } }),
});

export const cdrEndpoints = { list: listCdrsEndpoint, ingest: ingestBatchEndpoint };
