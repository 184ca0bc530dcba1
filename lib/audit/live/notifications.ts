import { sql } from "drizzle-orm";
import type { Db, EmbeddedDatabase, ServerDatabase } from "@/db/client";
import { queryRows } from "@/db/raw";
import type { LiveSource } from "./hub";

/** The channel migration 0014 notifies with each new entry's id (trigger audit_log_notify). */
const CHANNEL = "trunkline_audit";

type Listener =
  | (Pick<EmbeddedDatabase, "kind" | "client"> & { db: Db })
  | Pick<ServerDatabase, "kind" | "db" | "listen">;

/**
 * The hub's source on this process's database: on a server, one LISTEN connection of its own
 * (postgres.js listens again after reconnecting); embedded, PGlite's own listener.
 */
export function auditLogSource(database: Listener): LiveSource {
  const onPayload = (onId: (id: number) => void) => (payload: string) => {
    if (/^\d{1,15}$/.test(payload)) onId(Number(payload));
  };
  return {
    listen: async (onId) =>
      database.kind === "pglite"
        ? await database.client.listen(CHANNEL, onPayload(onId))
        : await database.listen(CHANNEL, onPayload(onId)),
    maxId: async () => {
      const [row] = await queryRows<{ id: string | number | null }>(
        database.db,
        sql`select max(id) as id from audit_log`,
      );
      return Number(row?.id ?? 0);
    },
  };
}
