import { z } from "zod";
import { databaseEnvSchema, parseEnv } from "@/db/config";

/** Environment configuration, validated once; every variable is documented in the README. */
const envSchema = databaseEnvSchema.extend({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  TRUSTED_PROXIES: z.string().default(""),
  // The public origin links in emails point to; anything but an http(s) origin is refused at start.
  APP_URL: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .pipe(
      z
        .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
        .transform((v) => new URL(v).origin)
        .optional(),
    ),
  LOGIN_MAX_FAILURES_PER_EMAIL_IP: z.coerce.number().int().min(1).default(5),
  LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(50),
  LOGIN_WINDOW_MINUTES: z.coerce.number().int().min(1).default(15),
  // A working shift: a session signed in this morning does not carry into tomorrow, so a copied
  // cookie is worth hours, not Auth.js's default 30 days, to someone who can reroute traffic.
  SESSION_MAX_AGE_HOURS: z.coerce.number().int().min(1).max(720).default(12),
  // Long enough to read the audit log through a call, short enough that an unlocked desk is not
  // signed in until the evening; activity is any request to the app.
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(43_200).default(30),
  // Requests per minute per API key, counted in the database so every app instance shares them.
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  // Where the audit chain's checkpoints are written outside the database (lib/audit/chain/):
  // a JSON-lines file, and an HTTP endpoint that receives each one as a POST when set.
  AUDIT_CHECKPOINT_FILE: z.string().trim().min(1).default("./.data/audit-checkpoints.jsonl"),
  AUDIT_CHECKPOINT_URL: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .pipe(z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).optional()),
  // How often each app instance seals new audit entries into the chain.
  AUDIT_SEAL_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),
  // How often an app instance with a live tail open asks for the settled horizon
  // (lib/audit/live/hub.ts): a new entry reaches an open tail within about this interval.
  AUDIT_LIVE_POLL_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  // How often one app instance looks for new entries matching saved watches (lib/watches/):
  // a watch notifies within this interval plus the send.
  WATCH_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(60).default(20),
  // How often each app instance looks for audit entries to stream to SIEM destinations
  // (lib/audit/stream/); one instance at a time delivers to each destination.
  AUDIT_STREAM_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(2000),
  // The only folder NDJSON file destinations may write in (file names only, no paths); unset,
  // file destinations are refused, so an admin cannot make the app write anywhere.
  AUDIT_STREAM_FILE_DIR: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined)),
  // Lets webhook destinations use plain http:// to a loopback address (tests, a local relay);
  // every other webhook must be https://.
  AUDIT_STREAM_HTTP_LOOPBACK: z
    .enum(["true", "false", "1", "0", ""])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
});

export type AppConfig = z.infer<typeof envSchema>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return parseEnv(envSchema, env);
}
