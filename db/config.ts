import { z } from "zod";

/**
 * The database's part of the environment (lib/config.ts extends it with the app's own): kept here
 * so db/ depends on nothing above it.
 */
export const databaseEnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
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
