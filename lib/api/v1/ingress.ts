import { z } from "zod";
import { INGRESS_STATUSES } from "@/db/schema";
import { findAccount, findIngressRoute, listIngressRoutes } from "@/lib/accounts/queries";
import { createIngressOperation } from "@/lib/ingress/create-ingress-route";
import { deleteIngressOperation } from "@/lib/ingress/delete-ingress-route";
import type { IngressRow } from "@/lib/ingress/form-values";
import { createIngressSchema } from "@/lib/ingress/schemas";
import { updateIngressOperation } from "@/lib/ingress/update-ingress-route";
import type { JsonObject } from "../body";
import { mutationEndpoint, readEndpoint, type ApiContext } from "../endpoint";
import { idParams, listOf, notFoundProblem } from "./common";

/**
 * /accounts/{id}/ingress and /ingress/{id}: staff with accounts:read read every route, changes
 * are the account page's operations. The portal shows no ingress routes, so portal keys get
 * none either: the list is refused (403) and any record is a 404, their own account's included.
 */

const STAFF_READ = { permission: "accounts:read", audience: "staff" } as const;
// Only so a portal key's record read answers 404, as the portal knows no such record.
const PORTAL_READ = { permission: "portal:self", audience: "portal" } as const;

const ingressSchema = z
  .object({
    id: z.number().int().describe("The Ingress ID"),
    accountId: z.number().int(),
    name: z.string(),
    techPrefix: z.string(),
    allowedIps: z.array(z.string()).describe("CIDRs"),
    channels: z.number().int(),
    cps: z.number().int(),
    maxDurationS: z.number().int(),
    status: z.enum(INGRESS_STATUSES),
    notes: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "IngressRoute" });

/** A route as the Control Panel's ingress page shows it to anyone with accounts:read. */
function ingressResource(row: IngressRow): z.infer<typeof ingressSchema> {
  return {
    id: row.id,
    accountId: row.accountId,
    name: row.name,
    techPrefix: row.techPrefix,
    allowedIps: row.allowedIps,
    channels: row.channels,
    cps: row.cps,
    maxDurationS: row.maxDurationS,
    status: row.status,
    notes: row.notes,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function ingressReply(ctx: ApiContext, id: number) {
  const row = ctx.user.accountId === null ? await findIngressRoute(ctx.db, id) : null;
  if (!row) return notFoundProblem();
  return { body: ingressResource(row), version: row.version };
}

/** What a client sends: the form's fields, with the allowed IPs as a list rather than lines. */
const ingressBody = createIngressSchema.omit({ accountId: true }).extend({
  allowedIps: z.array(z.string()).optional().describe("IPs or CIDRs; left out: none"),
});

/**
 * The operation parses the form's textarea (one IP or CIDR a line), so a list of strings becomes
 * those lines; anything else goes through as sent and the operation's schema refuses it.
 */
function withIpLines(body: JsonObject): JsonObject {
  const ips = body.allowedIps;
  const lines =
    Array.isArray(ips) && ips.every((ip) => typeof ip === "string" && !/[\r\n]/.test(ip));
  return lines ? { ...body, allowedIps: ips.join("\n") } : body;
}

const listIngressEndpoint = readEndpoint({
  path: "/accounts/{id}/ingress",
  summary: "List an account's ingress routes",
  tag: "Ingress",
  access: [STAFF_READ],
  params: idParams,
  response: listOf(ingressSchema),
  read: async (ctx, { params }) => {
    const accountId = params.id as number;
    if (!(await findAccount(ctx.db, accountId))) return notFoundProblem();
    const rows = await listIngressRoutes(ctx.db, accountId);
    return { body: { data: rows.map(ingressResource) } };
  },
});

const getIngressEndpoint = readEndpoint({
  path: "/ingress/{id}",
  summary: "Get an ingress route",
  tag: "Ingress",
  access: [STAFF_READ, PORTAL_READ],
  params: idParams,
  response: ingressSchema,
  read: (ctx, { params }) => ingressReply(ctx, params.id as number),
});

const createIngressEndpoint = mutationEndpoint({
  method: "POST",
  path: "/accounts/{id}/ingress",
  summary: "Add an ingress route to a customer account",
  tag: "Ingress",
  operation: createIngressOperation,
  params: idParams,
  body: ingressBody,
  response: ingressSchema,
  input: ({ params, body }) => ({ ...withIpLines(body), accountId: params.id }),
  respond: async (ctx, { id }) => {
    const reply = await ingressReply(ctx, id);
    return reply instanceof Response ? reply : { ...reply, location: `/api/v1/ingress/${id}` };
  },
});

const updateIngressEndpoint = mutationEndpoint({
  method: "PUT",
  path: "/ingress/{id}",
  summary: "Replace an ingress route's details",
  tag: "Ingress",
  description: "Fields left out are cleared, as in the route's form.",
  operation: updateIngressOperation,
  params: idParams,
  body: ingressBody,
  response: ingressSchema,
  input: ({ params, body, version }) => ({ ...withIpLines(body), id: params.id, version }),
  respond: (ctx, { id }) => ingressReply(ctx, id),
});

const deleteIngressEndpoint = mutationEndpoint({
  method: "DELETE",
  path: "/ingress/{id}",
  summary: "Delete an ingress route",
  tag: "Ingress",
  operation: deleteIngressOperation,
  params: idParams,
  successStatus: 204,
  respond: async () => ({}),
});

export const ingressEndpoints = {
  list: listIngressEndpoint,
  get: getIngressEndpoint,
  create: createIngressEndpoint,
  update: updateIngressEndpoint,
  delete: deleteIngressEndpoint,
};
