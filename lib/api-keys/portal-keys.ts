import { operation } from "@/lib/actions/operation";
import { requirePortalAdmin } from "@/lib/portal/users";
import {
  generateApiKey,
  generateApiKeySchema,
  revokeApiKey,
  revokeApiKeySchema,
  type GeneratedKey,
} from "./keys";

/**
 * API keys in the Customer Portal (decided for issue 13): an account's portal administrators
 * (customer or carrier users with `portalAdmin`) may generate keys for their own account. Such a
 * key acts as the portal user who generated it — their role and their account — so through the
 * API it sees only that account (another account's record is a 404), and it stops working when
 * that user is disabled (lib/api/authenticate.ts checks the owner's status on every request).
 * Other portal users cannot create or revoke keys; the Control Panel's keys stay `api-keys:manage`
 * (admin only), and staff see and can revoke every key, portal-owned ones included.
 *
 * The same schemas, messages and domain functions as the Control Panel's operations (keys.ts):
 * only who may call them and which keys they reach differ.
 */

export const ONLY_ADMINS_MANAGE_API_KEYS =
  "Only your account's portal administrators can manage API keys.";

const PORTAL_KEYS_PAGE = () => ["/portal/api-keys"];

export const generatePortalApiKeyOperation = operation({
  schema: generateApiKeySchema,
  permission: "portal:self",
  audience: "portal",
  run: async (input, { db, actor, user }): Promise<{ data: GeneratedKey; message: string }> => {
    const accountId = requirePortalAdmin(user, ONLY_ADMINS_MANAGE_API_KEYS);
    const key = await generateApiKey(db, actor, input, { accountId });
    return {
      data: { id: key.id, name: input.name, secret: key.secret },
      message: `Generated API key ${input.name}.`,
    };
  },
  revalidate: PORTAL_KEYS_PAGE,
});

/** Any key owned by a user of the admin's account (a colleague's too); no other account's. */
export const revokePortalApiKeyOperation = operation({
  schema: revokeApiKeySchema,
  permission: "portal:self",
  audience: "portal",
  run: async (input, { db, actor, user }) => {
    const accountId = requirePortalAdmin(user, ONLY_ADMINS_MANAGE_API_KEYS);
    await revokeApiKey(db, actor, input.id, { accountId });
    return { data: input.id, message: "API key revoked." };
  },
  revalidate: PORTAL_KEYS_PAGE,
});
