import { z } from "zod";
import { WATCH_CHANNELS } from "@/db/schema/watches";

/** The watch form's fields; the query is checked against the owner's policy by the operation. */

export const MAX_WATCHES_PER_USER = 20;

const name = z
  .string({ error: "Enter a name." })
  .trim()
  .min(1, "Enter a name.")
  .max(100, "Keep the name under 100 characters.");

// The search box's own limit (lib/search/audit-page-params.ts): longer would be cut there.
const query = z
  .string()
  .optional()
  .transform((v) => (v ?? "").trim())
  .pipe(z.string().max(500, "Keep the search under 500 characters."));

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v ?? "").trim() || undefined);

const webhookUrl = optionalText.pipe(
  z
    .url({ protocol: /^https$/, error: "Enter an https:// URL." })
    .max(2000, "Keep the URL under 2,000 characters.")
    .optional(),
);

const webhookSecret = optionalText.pipe(
  z
    .string()
    .min(16, "Use at least 16 characters, or leave it empty to have one generated.")
    .max(200, "Keep the secret under 200 characters.")
    .optional(),
);

const channel = z.enum(WATCH_CHANNELS, { error: "Choose email or webhook." });

const target = z.object({ channel, webhookUrl, webhookSecret });

const needsUrl = (v: z.infer<typeof target>, ctx: z.RefinementCtx) => {
  if (v.channel === "webhook" && !v.webhookUrl) {
    ctx.addIssue({ code: "custom", path: ["webhookUrl"], message: "Enter the webhook's URL." });
  }
};

const id = z.coerce.number({ error: "Choose a watch." }).int().positive("Choose a watch.");

export const createWatchSchema = target.extend({ name, query }).superRefine(needsUrl);

export const updateWatchSchema = target
  .extend({
    id,
    name,
    query,
    // A checkbox: present when ticked.
    active: z
      .string()
      .optional()
      .transform((v) => v === "on" || v === "true"),
  })
  .superRefine(needsUrl);

export const deleteWatchSchema = z.object({ id });

export type CreateWatchInput = z.infer<typeof createWatchSchema>;
export type UpdateWatchInput = z.infer<typeof updateWatchSchema>;
