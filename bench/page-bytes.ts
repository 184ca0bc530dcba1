import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { openPostgres } from "@/db/client";
import { BENCH_ADMIN_EMAIL, Session, ensureBenchAdmin, startApp } from "./lib/http";
import { openBenchDatabase } from "./lib/cluster";

/**
 * `npm run bench:page-bytes [-- path…]`: saves the signed-in audit page (and the RSC payload of a
 * client-side navigation to it) into .data/page-bytes/, to see what its bytes are.
 */
async function main() {
  const paths = process.argv.slice(2);
  if (paths.length === 0) paths.push("/audit-log");
  const bench = await openBenchDatabase("query");
  const app = await openPostgres(bench.url);
  const out = path.join(process.cwd(), ".data", "page-bytes");
  mkdirSync(out, { recursive: true });
  try {
    const password = await ensureBenchAdmin(app.db);
    const server = await startApp(bench.url);
    try {
      const session = new Session(server.baseUrl);
      await session.signIn(BENCH_ADMIN_EMAIL, password);
      for (const [i, p] of paths.entries()) {
        const html = await (await session.fetch(p)).text();
        const rscRes = await session.fetch(p, { headers: { RSC: "1" } });
        const rsc = await rscRes.text();
        if (rscRes.status !== 200) console.log(`${p}: RSC request answered ${rscRes.status}`);
        writeFileSync(path.join(out, `${i}.html`), html);
        writeFileSync(path.join(out, `${i}.rsc`), rsc);
        const t0 = performance.now();
        for (let n = 0; n < 10; n++) await (await session.fetch(p)).text();
        console.log(
          `${p}: HTML ${html.length} bytes, RSC ${rsc.length} bytes, ` +
            `${((performance.now() - t0) / 10).toFixed(1)} ms avg of 10`,
        );
      }
    } finally {
      await server.stop();
    }
  } finally {
    await app.close();
    await bench.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
