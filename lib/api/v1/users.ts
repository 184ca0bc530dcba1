import { z } from "zod";
import { USER_ROLES, USER_STATUSES } from "@/db/schema";
import { findPortalUser } from "@/lib/portal/users";
import { findUser, listUsersPage } from "@/lib/users/queries";
import { problem } from "@/lib/http/problem";
import { readEndpoint, type ApiContext } from "../endpoint";
import { cursorParam, idParams, notFoundProblem, pageBody, pageOf } from "./common";

/**
 * /users (read only): staff keys need users:manage, the Users page's permission, and see every
 * user; a portal key sees its own account's users as the portal's Users page shows them. No
 * password hash, token or TOTP secret is ever selected (the queries' column lists).
 */

const STAFF_READ = { permission: "users:manage", audience: "staff" } as const;
const PORTAL_READ = { permission: "portal:self", audience: "portal" } as const;

const userSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    email: z.string(),
    role: z.enum(USER_ROLES).optional().describe("Staff keys"),
    accountId: z.number().int().nullable().optional().describe("Staff keys; null for staff"),
    accountName: z.string().nullable().optional().describe("Staff keys"),
    status: z.enum(USER_STATUSES),
    portalAdmin: z.boolean(),
    lastSignInAt: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: "User" });

type UserFacts = {
  id: number;
  name: string;
  email: string;
  status: (typeof USER_STATUSES)[number];
  portalAdmin: boolean;
  lastSignInAt: Date | null;
  version: number;
  createdAt: Date;
};
type StaffFacts = UserFacts & {
  role: (typeof USER_ROLES)[number];
  accountId: number | null;
  accountName: string | null;
};

/** What the portal's Users page shows of a colleague. */
const portalUserResource = (row: UserFacts): z.infer<typeof userSchema> => ({
  id: row.id,
  name: row.name,
  email: row.email,
  status: row.status,
  portalAdmin: row.portalAdmin,
  lastSignInAt: row.lastSignInAt?.toISOString() ?? null,
  version: row.version,
  createdAt: row.createdAt.toISOString(),
});

/** What the Control Panel's Users pages show: also the role and the account. */
const staffUserResource = (row: StaffFacts): z.infer<typeof userSchema> => ({
  ...portalUserResource(row),
  role: row.role,
  accountId: row.accountId,
  accountName: row.accountName,
});

const listQuery = z.object({
  role: z.enum(USER_ROLES).optional().describe("Staff keys"),
  status: z.enum(USER_STATUSES).optional(),
  accountId: idParams.shape.id.optional().describe("Staff keys"),
  cursor: cursorParam,
});

const listUsersEndpoint = readEndpoint({
  path: "/users",
  summary: "List users",
  tag: "Users",
  description: "50 a page by id; a portal key lists its own account's users only.",
  access: [STAFF_READ, PORTAL_READ],
  portalFeature: "users",
  query: listQuery,
  response: pageOf(userSchema),
  read: async (ctx, { query }) => {
    const { cursor, ...filters } = query;
    const own = ctx.user.accountId;
    if (own === null) {
      const page = await listUsersPage(ctx.db, { ...filters, after: cursor });
      return { body: pageBody(page, staffUserResource) };
    }
    // The portal's page filters on neither: its users all have the account's role.
    if (filters.role || filters.accountId) {
      return problem({
        status: 400,
        detail: "A portal key lists its own account's users: filter by status only.",
      });
    }
    const page = await listUsersPage(ctx.db, {
      status: filters.status,
      accountId: own,
      after: cursor,
    });
    return { body: pageBody(page, portalUserResource) };
  },
});

async function userReply(ctx: ApiContext, id: number) {
  const own = ctx.user.accountId;
  if (own === null) {
    const row = await findUser(ctx.db, id);
    return row ? { body: staffUserResource(row), version: row.version } : notFoundProblem();
  }
  const row = await findPortalUser(ctx.db, own, id);
  return row ? { body: portalUserResource(row), version: row.version } : notFoundProblem();
}

const getUserEndpoint = readEndpoint({
  path: "/users/{id}",
  summary: "Get a user",
  tag: "Users",
  description: "A portal key gets 404 for anyone outside its own account.",
  access: [STAFF_READ, PORTAL_READ],
  portalFeature: "users",
  params: idParams,
  response: userSchema,
  read: (ctx, { params }) => userReply(ctx, params.id as number),
});

export const userEndpoints = { list: listUsersEndpoint, get: getUserEndpoint };
