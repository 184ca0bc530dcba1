import { drizzle } from "drizzle-orm/postgres-js";
import type { Sql } from "postgres";
import type { Db } from "@/db/client";
import * as schema from "@/db/schema";

/**
 * A Drizzle database whose driver answers instantly with rows fetched beforehand: running the
 * product's functions on it times their JavaScript alone (URL and search parsing, building the
 * SQL, mapping rows, encoding cursors), which is what separates "product" from "raw".
 */

export type Statement = { sql: string; params: unknown[] };
type Answer = { objects: Record<string, unknown>[]; arrays: unknown[][] };

export async function cannedDb(client: Sql, statements: readonly Statement[]): Promise<Db> {
  const answers = new Map<string, Answer>();
  for (const s of statements) {
    const params = s.params as Parameters<Sql["unsafe"]>[1];
    answers.set(s.sql, {
      objects: [...(await client.unsafe(s.sql, params))],
      arrays: [...(await client.unsafe(s.sql, params).values())],
    });
  }
  // The two calls Drizzle's postgres-js session makes: unsafe(…) for raw statements (object
  // rows) and unsafe(…).values() for selects (array rows). `options` is where drizzle() installs
  // its pass-through parsers.
  const transport = {
    options: { parsers: {}, serializers: {} },
    unsafe(query: string) {
      const answer = answers.get(query);
      if (!answer) throw new Error(`canned driver: no answer for ${query.slice(0, 80)}…`);
      return Object.assign(Promise.resolve(answer.objects), {
        values: () => Promise.resolve(answer.arrays),
      });
    },
  };
  return drizzle({
    client: transport as unknown as Sql,
    schema,
    casing: "snake_case",
  });
}
