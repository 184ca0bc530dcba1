import { z } from "zod";
import { ACCOUNT_STATUSES, ACCOUNT_TYPES } from "@/db/schema";
import { createAccountOperation } from "@/lib/accounts/create-account";
import { deleteAccountOperation } from "@/lib/accounts/delete-account";
import { findReadableAccount, listReadableAccounts } from "@/lib/accounts/queries";
import { createAccountSchema, updateAccountSchema } from "@/lib/accounts/schemas";
import { updateAccountOperation } from "@/lib/accounts/update-account";
import { can } from "@/lib/auth/permissions";
import type { CurrentUser } from "@/lib/auth/session";
import { portalFeatures } from "@/lib/portal/features";
import { mutationEndpoint, readEndpoint, type ApiContext } from "../endpoint";
import { cursorParam, idParams, notFoundProblem, pageBody, pageOf } from "./common";

/**
 * /accounts: staff with accounts:read list and read every account, portal keys their own only
 * (any other id is a 404, as if it did not exist); changes are the Control Panel's operations.
 */

const STAFF_READ = { permission: "accounts:read", audience: "staff" } as const;
const PORTAL_READ = { permission: "portal:self", audience: "portal" } as const;

const accountSchema = z
  .object({
    id: z.number().int(),
    type: z.enum(ACCOUNT_TYPES),
    name: z.string(),
    status: z.enum(ACCOUNT_STATUSES),
    currency: z.string(),
    balance: z.string().optional().describe("Staff, and a customer its own"),
    creditLimit: z.string(),
    channels: z.number().int(),
    cps: z.number().int(),
    billingEmail: z.string().nullable(),
    country: z.string().nullable(),
    notesPublic: z.string().nullable(),
    notesPrivate: z.string().nullable().optional().describe("Staff with accounts:read-private"),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Account" });

type ReadableAccount = NonNullable<Awaited<ReturnType<typeof findReadableAccount>>>;

/**
 * An account as this caller may see it: the balance and private notes only where the role
 * allows (and then they were the only ones selected: readableAccountColumns), and for a portal
 * key only while the portal's branding shows the balance.
 */
function accountResource(
  row: ReadableAccount,
  user: CurrentUser,
  portalBalanceShown: boolean,
): z.infer<typeof accountSchema> {
  const balanceVisible =
    can(user.role, "accounts:read-balance") &&
    (user.accountId === null || (row.type === "customer" && portalBalanceShown));
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    status: row.status,
    currency: row.currency,
    ...(balanceVisible && row.balance !== null ? { balance: row.balance } : {}),
    creditLimit: row.creditLimit,
    channels: row.channels,
    cps: row.cps,
    billingEmail: row.billingEmail,
    country: row.country,
    notesPublic: row.notesPublic,
    ...(can(user.role, "accounts:read-private") ? { notesPrivate: row.notesPrivate } : {}),
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const portalBalanceShown = async (ctx: ApiContext) =>
  ctx.user.accountId === null || (await portalFeatures(ctx.db)).balance;

/** The account when this caller may see it, else null (a 404 to them). */
async function visibleAccount(ctx: ApiContext, id: number) {
  if (ctx.user.accountId !== null && ctx.user.accountId !== id) return null;
  return findReadableAccount(ctx.db, id, ctx.user);
}

async function accountReply(ctx: ApiContext, id: number) {
  const row = await visibleAccount(ctx, id);
  if (!row) return notFoundProblem();
  return {
    body: accountResource(row, ctx.user, await portalBalanceShown(ctx)),
    version: row.version,
  };
}

const listQuery = z.object({
  q: z.string().trim().max(200).optional().describe("Name contains, or the exact id"),
  type: z.enum(ACCOUNT_TYPES).optional(),
  status: z.enum(ACCOUNT_STATUSES).optional(),
  cursor: cursorParam,
});

const listAccountsEndpoint = readEndpoint({
  path: "/accounts",
  summary: "List accounts",
  tag: "Accounts",
  description: "50 a page by id; a portal key sees its own account only.",
  access: [STAFF_READ, PORTAL_READ],
  query: listQuery,
  response: pageOf(accountSchema),
  read: async (ctx, { query }) => {
    // A portal key's list is its own account, when the filters match it.
    const own = ctx.user.accountId ?? undefined;
    const page = await listReadableAccounts(
      ctx.db,
      { ...query, id: own, after: query.cursor },
      ctx.user,
    );
    const balanceShown = await portalBalanceShown(ctx);
    return { body: pageBody(page, (r) => accountResource(r, ctx.user, balanceShown)) };
  },
});

const getAccountEndpoint = readEndpoint({
  path: "/accounts/{id}",
  summary: "Get an account",
  tag: "Accounts",
  access: [STAFF_READ, PORTAL_READ],
  params: idParams,
  response: accountSchema,
  read: (ctx, { params }) => accountReply(ctx, params.id as number),
});

const createAccountEndpoint = mutationEndpoint({
  method: "POST",
  path: "/accounts",
  summary: "Create an account",
  tag: "Accounts",
  operation: createAccountOperation,
  body: createAccountSchema,
  response: accountSchema,
  respond: async (ctx, { id }) => {
    const reply = await accountReply(ctx, id);
    return reply instanceof Response ? reply : { ...reply, location: `/api/v1/accounts/${id}` };
  },
});

const updateAccountEndpoint = mutationEndpoint({
  method: "PUT",
  path: "/accounts/{id}",
  summary: "Replace an account's details",
  tag: "Accounts",
  description: "Fields left out are cleared, as in the Details form. The currency cannot change.",
  operation: updateAccountOperation,
  params: idParams,
  body: updateAccountSchema.omit({ id: true, version: true }),
  response: accountSchema,
  respond: (ctx, { id }) => accountReply(ctx, id),
});

const deleteAccountEndpoint = mutationEndpoint({
  method: "DELETE",
  path: "/accounts/{id}",
  summary: "Delete an account",
  tag: "Accounts",
  operation: deleteAccountOperation,
  params: idParams,
  successStatus: 204,
  respond: async () => ({}),
});

export const accountEndpoints = {
  list: listAccountsEndpoint,
  get: getAccountEndpoint,
  create: createAccountEndpoint,
  update: updateAccountEndpoint,
  delete: deleteAccountEndpoint,
};
