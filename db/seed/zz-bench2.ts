import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { sql } from "drizzle-orm";
import * as schema from "@/db/schema";
import type { Db } from "@/db/client";

async function main() {
  const client = await PGlite.create({ extensions: { pg_trgm } });
  const db = drizzle({ client, schema, casing: "snake_case" }) as unknown as Db;
  await migrate(db as never, { migrationsFolder: "/work/main/db/migrations" });
  let t = Date.now();
  await db.execute(sql`insert into cdrs (dt, answer_time, end_time, callid, callid_b, direction, source_cli, source_dest_number, dest_cli, dest_number, tech_prefix, customer_id, ingress_id, customer_card_id, carrier_id, carrier_card_id, customer_dest_code, customer_dest_name, customer_rate, customer_connect_cost, customer_duration, customer_charge, customer_currency, carrier_dest_code, carrier_dest_name, carrier_rate, carrier_connect_cost, carrier_duration, carrier_charge, carrier_currency, duration, ring_duration, pdd_in, pdd_out, sip_code, sip_reason, release_reason, source_ip, dest_ip, codec, user_agent, transport, mos, jitter, packet_loss, dtmf, recording_cost)
   select now() - g * interval '20 s', now() - g * interval '20 s', now() - g * interval '20 s', md5(g::text) || '@198.51.100.5', md5((g+1)::text)::uuid::text, 'termination', '12125550147', '4401#447911123456', '12125550147', '447911123456', '4401#', 1001 + g % 20, 10001 + g % 60, 2001, 1021 + g % 8, 3001, '447', 'United Kingdom - Mobile', 0.0123, 0, 240, 0.0492, 'USD', '447', 'United Kingdom - Mobile', 0.0098, 0, 236, 0.038546, 'USD', 235.412 + random(), 4.21, 1820, 1710, 200, 'OK', 'Downstream BYE', '198.51.100.5', '203.0.113.130', 'PCMA', 'AudioCodes Mediant SBC/v.7.40A', 'UDP', 4.21, 3.2, 0.1, false, null from generate_series(1, 100000) g`);
  console.log("sql insert ms", Date.now() - t);
  await client.close();
}
main();
