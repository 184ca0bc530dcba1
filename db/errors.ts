/** The Postgres error behind a driver or Drizzle error ("Failed query: …" wraps it as `cause`). */
export type PgErrorInfo = { code?: string; message: string; constraint?: string };

export function pgErrorOf(err: unknown): PgErrorInfo | null {
  for (
    let e: unknown = err, depth = 0;
    e && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const candidate = e as {
      code?: unknown;
      message?: unknown;
      constraint?: unknown;
      constraint_name?: unknown;
    };
    if (typeof candidate.code === "string" && /^[0-9A-Z]{5}$/.test(candidate.code)) {
      return {
        code: candidate.code,
        message: String(candidate.message),
        constraint: (candidate.constraint ?? candidate.constraint_name) as string | undefined,
      };
    }
  }
  return null;
}

export const isUniqueViolation = (err: unknown, constraint?: string) => {
  const pg = pgErrorOf(err);
  return pg?.code === "23505" && (!constraint || pg.constraint === constraint);
};
