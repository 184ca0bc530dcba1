import { z } from "zod";
import { API_KEY_SCOPES } from "@/db/schema";
import type { ActionSpec } from "@/lib/actions/define-action";
import { generateApiKey, revokeApiKey } from "./keys";

/** Config and handler of each API-key action, shared by the server actions and the tests. */

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

export const generateApiKeySpec: ActionSpec<typeof generateApiKeySchema, GeneratedKey> = {
  config: { schema: generateApiKeySchema, permission: "api-keys:manage", audience: "staff" },
  handler: async (input, { db, actor }) => {
    const key = await generateApiKey(db, actor, input);
    return {
      data: { id: key.id, name: input.name, secret: key.secret },
      message: `Generated API key ${input.name}.`,
    };
  },
};

export const revokeApiKeySpec: ActionSpec<typeof revokeApiKeySchema, number> = {
  config: { schema: revokeApiKeySchema, permission: "api-keys:manage", audience: "staff" },
  handler: async (input, { db, actor }) => {
    await revokeApiKey(db, actor, input.id);
    return { data: input.id, message: "API key revoked." };
  },
};
