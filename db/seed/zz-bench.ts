import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { sql } from "drizzle-orm";
import * as schema from "@/db/schema";
import type { Db } from "@/db/client";

async function main() {
  const client = await PGlite.create({ extensions: { pg_trgm }, dataDir: process.argv[2] });
  const db = drizzle({ client, schema, casing: "snake_case" }) as unknown as Db;
  await migrate(db as never, { migrationsFolder: "/work/main/db/migrations" });
  let t = Date.now();
  const N = 100_000, B = Number(process.argv[3] ?? 5000);
  let total = 0;
  for (let b = 0; b < N; b += B) {
    const rows = [];
    for (let i = b; i < b + B; i++) rows.push({
      dt: new Date(Date.UTC(2025,0,1) + i * 20000).toISOString(), answer_time: new Date(Date.UTC(2025,0,1) + i * 20000 + 5000).toISOString(), end_time: new Date(Date.UTC(2025,0,1) + i * 20000 + 200000).toISOString(),
      callid: `a84b4c76e66710${i}@198.51.100.5`, callid_b: `6f1c2b0e-${i}-4c1b-9d3e-2a9f0c7b1e55`, direction: "termination", source_cli: "12125550147", source_dest_number: "4401#447911123456", dest_cli: "12125550147", dest_number: "447911123456", tech_prefix: "4401#",
      customer_id: 1001 + (i % 20), ingress_id: 10001 + (i % 60), customer_card_id: 2001, carrier_id: 1021 + (i % 8), carrier_card_id: 3001,
      customer_dest_code: "447", customer_dest_name: "United Kingdom - Mobile", customer_rate: "0.012300", customer_connect_cost: "0", customer_duration: 240, customer_charge: "0.049200", customer_currency: "USD",
      carrier_dest_code: "447", carrier_dest_name: "United Kingdom - Mobile", carrier_rate: "0.009800", carrier_connect_cost: "0", carrier_duration: 236, carrier_charge: "0.038546", carrier_currency: "USD",
      duration: "235.412", ring_duration: "4.210", pdd_in: 1820, pdd_out: 1710, sip_code: 200, sip_reason: "OK", release_reason: "Downstream BYE", source_ip: "198.51.100.5", dest_ip: "203.0.113.130",
      codec: "PCMA", user_agent: "AudioCodes Mediant SBC/v.7.40A", transport: "UDP", mos: "4.21", jitter: "3.20", packet_loss: "0.10", dtmf: false, recording_cost: null,
    });
    const json = JSON.stringify(rows);
    total += json.length;
    await db.execute(sql`insert into cdrs (dt, answer_time, end_time, callid, callid_b, direction, source_cli, source_dest_number, dest_cli, dest_number, tech_prefix, customer_id, ingress_id, customer_card_id, carrier_id, carrier_card_id, customer_dest_code, customer_dest_name, customer_rate, customer_connect_cost, customer_duration, customer_charge, customer_currency, carrier_dest_code, carrier_dest_name, carrier_rate, carrier_connect_cost, carrier_duration, carrier_charge, carrier_currency, duration, ring_duration, pdd_in, pdd_out, sip_code, sip_reason, release_reason, source_ip, dest_ip, codec, user_agent, transport, mos, jitter, packet_loss, dtmf, recording_cost)
      select dt, answer_time, end_time, callid, callid_b, direction, source_cli, source_dest_number, dest_cli, dest_number, tech_prefix, customer_id, ingress_id, customer_card_id, carrier_id, carrier_card_id, customer_dest_code, customer_dest_name, customer_rate, customer_connect_cost, customer_duration, customer_charge, customer_currency, carrier_dest_code, carrier_dest_name, carrier_rate, carrier_connect_cost, carrier_duration, carrier_charge, carrier_currency, duration, ring_duration, pdd_in, pdd_out, sip_code, sip_reason, release_reason, source_ip, dest_ip, codec, user_agent, transport, mos, jitter, packet_loss, dtmf, recording_cost from json_populate_recordset(null::cdrs, ${json}::json)`);
  }
  console.log("insert ms", Date.now() - t, "MB", total / 1e6);
  t = Date.now();
  await db.execute(sql`insert into cdr_daily select (dt at time zone 'UTC')::date, customer_id, coalesce(carrier_id,0), coalesce(customer_dest_name,''), coalesce(carrier_dest_name,''), customer_currency, carrier_currency, count(*), count(*) filter (where duration > 0), count(*) filter (where duration > 0 and duration <= 6), sum(duration), sum(customer_duration), sum(carrier_duration), sum(customer_charge), sum(carrier_charge), coalesce(sum(pdd_in),0), count(pdd_in) from cdrs group by 1,2,3,4,5,6,7`);
  console.log("daily ms", Date.now() - t);
  await client.close();
}
main();
