import { readdirSync } from "node:fs";
import path from "node:path";
import type postgres from "postgres";
import { sealCdrRef } from "../../lib/cdrs/cdr-ref";
import type { Viewer } from "./forbidden";

/**
 * Every page and GET route of the app, read from the app/ folder, so a page added tomorrow is
 * crawled for every user even if no link leads to it yet. A new dynamic segment the crawler does
 * not know fails the test with a message saying where to teach it, rather than being skipped.
 */

const APP_DIR = path.resolve(__dirname, "..", "..", "app");

type AppRoute = { template: string; kind: "page" | "route" };

function appRoutes(dir = APP_DIR, prefix = ""): AppRoute[] {
  const out: AppRoute[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      // _folders are private (components); (groups) add nothing to the URL
      if (entry.name.startsWith("_")) continue;
      const segment = /^\(.*\)$/.test(entry.name) ? "" : `/${entry.name}`;
      out.push(...appRoutes(path.join(dir, entry.name), prefix + segment));
    } else if (/^page\.(tsx|ts|jsx|js)$/.test(entry.name)) {
      out.push({ template: prefix || "/", kind: "page" });
    } else if (/^route\.(tsx|ts|jsx|js)$/.test(entry.name)) {
      out.push({ template: prefix || "/", kind: "route" });
    }
  }
  return out;
}

/** Routes whose content is not per user, or which the crawler covers in its own stage. */
const NOT_CRAWLED: Record<string, string> = {
  "/api/auth/[...nextauth]":
    "Auth.js endpoints (sign-out among them); /api/auth/session is fetched",
  "/portal-assets/custom/[file]": "published custom CSS/JS by content hash: public, same for all",
  "/portal-assets/images/[file]": "published logo/favicon by content hash: public, same for all",
  "/audit-log/export": "fetched by the export stage (both formats, with searches)",
  "/portal/audit-log/export": "fetched by the export stage (both formats, with searches)",
};

type Ids = {
  accounts: number[];
  ingress: { accountId: number; id: number }[];
  users: number[];
  entries: number[];
  cdrs: number[];
};

/** Ids to fill dynamic segments: the viewer's own records and other accounts' (which must 404). */
async function sampleIds(sql: postgres.Sql, viewer: Viewer): Promise<Ids> {
  const own = viewer.accountId ?? -1;
  const accounts = await sql<{ id: string }[]>`
    (select id::text from accounts where id = ${own})
    union all (select id::text from accounts where type = 'customer' and id <> ${own} order by id limit 1)
    union all (select id::text from accounts where type = 'carrier' and id <> ${own} order by id limit 1)`;
  const ingress = await sql<{ account_id: string; id: string }[]>`
    (select account_id::text, id::text from ingress_routes where account_id = ${own} order by id limit 1)
    union all (select account_id::text, id::text from ingress_routes where account_id <> ${own}
      order by id limit 1)`;
  const users = await sql<{ id: string }[]>`
    (select ${viewer.id}::text as id)
    union all (select id::text from users where account_id is null and id <> ${viewer.id}
      order by id limit 1)
    union all (select id::text from users where account_id = ${own} and id <> ${viewer.id}
      order by id limit 1)
    union all (select id::text from users where account_id <> ${own} order by id limit 1)`;
  const entries = await sql<{ id: string }[]>`
    (select id::text from audit_log where account_id = ${own} order by id desc limit 1)
    union all (select id::text from audit_log where account_id is distinct from ${own}
      order by id desc limit 1)`;
  const cdrs = await sql<{ id: string }[]>`
    (select id::text from cdrs where ${own} in (customer_id, carrier_id) order by dt desc limit 1)
    union all (select id::text from cdrs where ${own} not in (customer_id, coalesce(carrier_id, 0))
      order by dt desc limit 1)`;
  return {
    cdrs: cdrs.map((r) => Number(r.id)),
    accounts: accounts.map((r) => Number(r.id)),
    ingress: ingress.map((r) => ({ accountId: Number(r.account_id), id: Number(r.id) })),
    users: users.map((r) => Number(r.id)),
    entries: entries.map((r) => Number(r.id)),
  };
}

export async function routeUrls(
  sql: postgres.Sql,
  viewer: Viewer,
): Promise<{ urls: string[]; api: string[]; skipped: string[] }> {
  const ids = await sampleIds(sql, viewer);
  const urls: string[] = ["/api/auth/session"];
  const api: string[] = [];
  const skipped: string[] = [];
  for (const { template } of appRoutes()) {
    if (template.startsWith("/api/v1/")) {
      // The API ignores the crawler's session cookie: these are read with the user's own key.
      api.push(...apiUrls(template, ids));
      continue;
    }
    if (template in NOT_CRAWLED) {
      skipped.push(`${template}: ${NOT_CRAWLED[template]}`);
      continue;
    }
    const params = [...template.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]!);
    if (params.length === 0) {
      urls.push(template);
      continue;
    }
    const key = params.join(",");
    const fill = (values: Record<string, number>) =>
      template.replace(/\[([^\]]+)\]/g, (_, p: string) => String(values[p]));
    if (key === "id" && template.startsWith("/accounts/")) {
      for (const id of ids.accounts) urls.push(fill({ id }));
    } else if (key === "id,ingressId") {
      for (const r of ids.ingress) urls.push(fill({ id: r.accountId, ingressId: r.id }));
    } else if (key === "id" && /\/users\/\[id\]$/.test(template)) {
      for (const id of ids.users) urls.push(fill({ id }));
    } else if (key === "id" && /\/entries\/\[id\]$/.test(template)) {
      for (const id of ids.entries) urls.push(fill({ id }));
    } else if (key === "ref") {
      // CDR record links carry sealed ids (lib/cdrs/cdr-ref.ts): sealed here with the server's
      // secret, the viewer's newest call and another account's (which must be a 404).
      const secret = process.env.E2E_AUTH_SECRET;
      if (!secret) throw new Error("E2E_AUTH_SECRET is needed to seal CDR references");
      for (const id of ids.cdrs) {
        urls.push(template.replace("[ref]", sealCdrRef(id, secret)));
      }
    } else {
      throw new Error(
        `The leak crawler does not know how to fill the dynamic route ${template}: add its ids ` +
          "in e2e/leaks/routes.ts (routeUrls), or say in NOT_CRAWLED why it needs no crawl.",
      );
    }
  }
  return { urls, api, skipped };
}

/**
 * A REST API route's URLs for a key's GET: the viewer's own records and another account's (a
 * 404 for portal keys), and the bulk reads at their largest page. Routes with no GET (a POST
 * answers 405) are requested too: their refusal is scanned like any answer.
 */
function apiUrls(template: string, ids: Ids): string[] {
  const fill = (id: number) => template.replace("[id]", String(id));
  if (/^\/api\/v1\/(accounts\/\[id\](\/ingress)?)$/.test(template)) return ids.accounts.map(fill);
  if (template === "/api/v1/ingress/[id]") return ids.ingress.map((r) => fill(r.id));
  if (template === "/api/v1/users/[id]") return ids.users.map(fill);
  if (template === "/api/v1/audit-log/[id]") return ids.entries.map(fill);
  if (template.includes("[")) {
    throw new Error(`The leak crawler does not know how to fill the API route ${template}.`);
  }
  if (template === "/api/v1/audit-log" || template === "/api/v1/cdrs") {
    return [template, `${template}?size=1000`];
  }
  return [template];
}
