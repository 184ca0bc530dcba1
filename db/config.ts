import { z } from "zod";

/**
 * The database's part of the environment (lib/config.ts extends it with the app's own): kept here
 * so db/ depends on nothing above it.
 */
const optionalUrl = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));

export const databaseEnvSchema = z.object({
  /** What the app connects with: on a real server, a runtime role that owns nothing (db/roles.ts). */
  DATABASE_URL: optionalUrl,
  /** What migrations run with, as the schema's owner; DATABASE_URL when unset. */
  MIGRATION_DATABASE_URL: optionalUrl,
  /** The runtime role's password, for db:migrate to create it with (or reset it to). */
  RUNTIME_DATABASE_PASSWORD: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined)),
  PGLITE_DIR: z.string().trim().min(1).default("./.data/pglite"),
});

export type DatabaseConfig = z.infer<typeof databaseEnvSchema>;

/** Validates `env` against `schema`, listing every bad variable in one error. */
export function parseEnv<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv): z.infer<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  return parsed.data;
}

export function readDatabaseConfig(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  return parseEnv(databaseEnvSchema, env);
}
