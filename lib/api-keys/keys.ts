import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { and, desc, eq } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import type { CurrentUser } from "@/lib/auth/session";
import { accounts, API_KEY_SCOPES, apiKeys, apiKeyUsage, users } from "@/db/schema";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation, RecordNotFoundError } from "@/lib/audit/core";
import { AppError } from "@/lib/errors";
import { z } from "zod";
import { operation } from "@/lib/actions/operation";

export type ApiKeyScope = (typeof apiKeys.$inferSelect)["scope"];
export type ApiKeyRow = typeof apiKeys.$inferSelect;

/**
 * `tl_<8 chars>_<32 base64url>`: the stored prefix is `tl_<8 chars>` (as the seed stores it) and
 * finds the row; the rest is the secret. Seeded keys carry a longer alphanumeric tail.
 */
const SECRET_PATTERN = /^(tl_[A-Za-z0-9]{8})_([A-Za-z0-9_-]{32,64})$/;

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

function newSecret() {
  const prefix = `tl_${randomBytes(4).toString("hex")}`;
  const secret = `${prefix}_${randomBytes(24).toString("base64url")}`;
  return { prefix, secret };
}

export const generatedApiKeyMessage = (key: { name: string; prefix: string; scope: ApiKeyScope }) =>
  `Generated API key ${key.name} (${key.prefix}…) with ${key.scope} scope`;

export const revokedApiKeyMessage = (key: { name: string; prefix: string }) =>
  `Revoked API key ${key.name} (${key.prefix}…)`;

/** Another account's key answers exactly as a key that does not exist: an id tells nothing. */
export const API_KEY_NOT_FOUND = "That API key does not exist.";

/**
 * Generates a key for the acting user. Only the prefix and a hash are stored (and the audit core
 * redacts the hash); the secret is returned once to be shown, never stored or logged.
 * `accountId`: the owner's account, when a portal user owns the key, so the GENERATE entry is in
 * that account's audit log (the row itself names only the owner).
 */
export async function generateApiKey(
  db: Db,
  actor: ActorContext,
  input: { name: string; scope: ApiKeyScope; expiresAt: Date | null },
  { accountId = null }: { accountId?: number | null } = {},
): Promise<{ id: number; prefix: string; secret: string }> {
  if (actor.userId === null) throw new AppError("An API key needs an owner.", "forbidden");
  const ownerUserId = actor.userId;
  // A prefix clash (1 in 4 billion) fails the unique index; one retry makes it negligible.
  for (let attempt = 0; ; attempt++) {
    const { prefix, secret } = newSecret();
    try {
      const { after } = await auditedMutation(db, actor, {
        table: "api_keys",
        action: "GENERATE",
        change: async (tx) => {
          const [row] = await tx
            .insert(apiKeys)
            .values({
              name: input.name,
              prefix,
              secretHash: sha256(secret),
              scope: input.scope,
              ownerUserId,
              expiresAt: input.expiresAt,
            })
            .returning({ id: apiKeys.id });
          return row!.id;
        },
        message: () => generatedApiKeyMessage({ ...input, prefix }),
        links: { accountId },
      });
      return { id: after!.id, prefix, secret };
    } catch (err) {
      if (attempt === 0 && /api_keys_prefix_key/.test(String(err))) continue;
      throw err;
    }
  }
}

/**
 * Revokes a key: it stops working at once; the row stays for the list and the audit trail.
 * `scope.accountId` (the portal): only a key owned by a user of that account; any other id is
 * "not found", nothing changed. The entry is linked to the owner's account, if any, so a portal
 * key's revocation (by its admins or by staff) shows in that account's audit log.
 */
export async function revokeApiKey(
  db: Db,
  actor: ActorContext,
  id: number,
  scope: { accountId?: number } = {},
): Promise<void> {
  // The owner never changes, so reading it before the audited transaction is not a race.
  const [key] = await db
    .select({ accountId: users.accountId })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.ownerUserId))
    .where(eq(apiKeys.id, id));
  if (!key || (scope.accountId !== undefined && key.accountId !== scope.accountId)) {
    throw new AppError(API_KEY_NOT_FOUND, "not_found");
  }
  try {
    await auditedMutation(db, actor, {
      table: "api_keys",
      action: "DELETE",
      id,
      change: async (tx, before) => {
        if (before?.revokedAt) throw new AppError("This key is already revoked.", "conflict");
        await tx.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, id));
      },
      message: (b) => revokedApiKeyMessage(b!),
      links: { accountId: key.accountId },
    });
  } catch (err) {
    if (err instanceof RecordNotFoundError) throw new AppError(API_KEY_NOT_FOUND, "not_found");
    throw err;
  }
}

/** The user a key acts as, when that user may still sign in (null otherwise). */
export type ApiKeyOwner = Omit<CurrentUser, "sessionId">;

/**
 * The key behind an `Authorization: Bearer …` value, or null when it is malformed, unknown,
 * revoked or expired, with its owner as they are now (one statement: every API request asks).
 * Hashes are compared in constant time.
 */
export async function verifyApiKey(
  db: DbOrTx,
  bearer: string | null | undefined,
  now = new Date(),
): Promise<(ApiKeyRow & { owner: ApiKeyOwner | null }) | null> {
  const secret = (bearer ?? "").replace(/^Bearer\s+/i, "").trim();
  const match = SECRET_PATTERN.exec(secret);
  if (!match) return null;
  const [found] = await db
    .select({
      key: apiKeys,
      owner: {
        id: users.id,
        name: users.name,
        email: users.email,
        role: users.role,
        accountId: users.accountId,
        timeZone: users.timeZone,
        portalAdmin: users.portalAdmin,
      },
    })
    .from(apiKeys)
    .leftJoin(users, and(eq(users.id, apiKeys.ownerUserId), eq(users.status, "active")))
    .where(eq(apiKeys.prefix, match[1]!));
  const row = found?.key;
  // Hash even for an unknown prefix, so timing does not tell which prefixes exist.
  const given = Buffer.from(sha256(secret), "hex");
  const stored = Buffer.from(row?.secretHash ?? "0".repeat(64), "hex");
  const same = stored.length === given.length && timingSafeEqual(stored, given);
  if (!row || !same) return null;
  if (row.revokedAt) return null;
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return null;
  return { ...row, owner: found.owner };
}

export type ApiKeyStatus = "active" | "revoked" | "expired";

export function apiKeyStatus(
  row: Pick<ApiKeyRow, "revokedAt" | "expiresAt">,
  now = new Date(),
): ApiKeyStatus {
  if (row.revokedAt) return "revoked";
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return "expired";
  return "active";
}

/**
 * The list pages: everything but the hash, with the owner's name and account and the key's last
 * use. `accountId` (the portal's page): only keys owned by users of that account; without it
 * (the Control Panel), every key, staff-owned ones with no account.
 */
export function listApiKeys(db: DbOrTx, { accountId }: { accountId?: number } = {}) {
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      scope: apiKeys.scope,
      ownerName: users.name,
      accountName: accounts.name,
      createdAt: apiKeys.createdAt,
      expiresAt: apiKeys.expiresAt,
      lastUsedAt: apiKeyUsage.lastUsedAt,
      lastUsedIp: apiKeyUsage.lastIp,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.ownerUserId))
    .leftJoin(accounts, eq(accounts.id, users.accountId))
    .leftJoin(apiKeyUsage, eq(apiKeyUsage.keyId, apiKeys.id))
    .where(accountId === undefined ? undefined : eq(users.accountId, accountId))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

export const generateApiKeySchema = z.object({
  name: z.string().trim().min(1, "Enter a name.").max(100, "Keep the name under 100 characters."),
  scope: z.enum(API_KEY_SCOPES, { error: "Choose a scope." }),
  // A date from <input type="date">: the key works through the end of that day (UTC).
  expiresAt: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return null;
      const date = /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T23:59:59.999Z`) : null;
      if (!date || Number.isNaN(date.getTime())) {
        ctx.addIssue({ code: "custom", message: "Enter a valid date." });
        return z.NEVER;
      }
      if (date.getTime() <= Date.now()) {
        ctx.addIssue({ code: "custom", message: "Choose a date in the future." });
        return z.NEVER;
      }
      return date;
    }),
});

export const revokeApiKeySchema = z.object({
  id: z.coerce.number({ error: "Choose a key." }).int().positive("Choose a key."),
});

export type GeneratedKey = { id: number; name: string; secret: string };

// The list re-renders with the change; the new secret stays only in the form's action state.
// The Control Panel's keys: admin only (`api-keys:manage`); portal admins have their own
// operations for their account's keys (portal-keys.ts).
export const generateApiKeyOperation = operation({
  schema: generateApiKeySchema,
  permission: "api-keys:manage",
  audience: "staff",
  run: async (input, { db, actor }): Promise<{ data: GeneratedKey; message: string }> => {
    const key = await generateApiKey(db, actor, input);
    return {
      data: { id: key.id, name: input.name, secret: key.secret },
      message: `Generated API key ${input.name}.`,
    };
  },
  revalidate: () => ["/api-keys"],
});

export const revokeApiKeyOperation = operation({
  schema: revokeApiKeySchema,
  permission: "api-keys:manage",
  audience: "staff",
  run: async (input, { db, actor }) => {
    await revokeApiKey(db, actor, input.id);
    return { data: input.id, message: "API key revoked." };
  },
  revalidate: () => ["/api-keys"],
});
