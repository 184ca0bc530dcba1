/**
 * The page and route-handler rows of the authorization matrix (test/authz/matrix.ts), requested
 * over HTTP from the built app, signed in once per audience. Every refused request must leave
 * the database as it was (row counts of every table and the newest audit entry).
 */
import { createHash } from "node:crypto";
import { expect, test, type APIRequestContext, type BrowserContext } from "@playwright/test";
import type postgres from "postgres";
import {
  AUDIENCES,
  HANDLER_ROWS,
  KNOWN_BUGS,
  PAGE_ROWS,
  SAMPLE_URLS,
  SCOPED_CASES,
  isRefusal,
  type Audience,
  type Outcome,
} from "../test/authz/matrix";
import { sealCdrRef } from "../lib/cdrs/cdr-ref";
import { accountId, auditDbForSpec } from "./audit-db";
import { contextAs, signIn } from "./fixtures";
import { BACKGROUND_TABLES } from "./harness/background-tables";

const db = auditDbForSpec();
const SESSION_COOKIE = "authjs.session-token";
const HOME: Record<Audience, string> = {
  anonymous: "/login",
  admin: "/audit-log",
  support: "/audit-log",
  auditor: "/audit-log",
  branding: "/audit-log",
  customer: "/portal",
  carrier: "/portal",
  member: "/portal",
};

/** Anonymous twice: no cookie (the proxy answers) and a forged one (the route itself answers). */
type Requester = Audience | "forged";

type Setup = {
  contexts: Map<Requester, BrowserContext>;
  ids: (a: Requester) => Record<string, string>;
  tables: string[];
  originalDraftCss: string;
};
let setup: Setup | undefined;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const DRAFT_CSS = `/* authz-matrix ${Date.now()} */\n.portal-main { outline: 1px dotted; }`;

async function saveDraftCss(context: BrowserContext, css: string) {
  const page = await context.newPage();
  await page.goto("/branding");
  // The code editor replaces the textarea once its script has loaded; fill that.
  await expect(page.locator(".cm-editor")).toHaveCount(3);
  await page.getByRole("textbox", { name: "Custom CSS" }).fill(css);
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText(/Draft saved|Nothing to save/)).toBeVisible();
  await page.close();
}

async function one(sql: postgres.Sql, query: Promise<{ v: string }[]>, what: string) {
  const [row] = await query;
  if (!row) throw new Error(`the demo data has no ${what}`);
  return row.v;
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  const sql = db.sql;
  const acme = String(await accountId(sql, "Acme Telecom"));
  const zephyr = String(await accountId(sql, "Zephyr Transit"));
  const userOf = (account: string) =>
    one(
      sql,
      sql`select id::text as v from users where account_id = ${account} order by id limit 1`,
      `user of account ${account}`,
    );
  const entryOf = (account: string) =>
    one(
      sql,
      sql`select id::text as v from audit_log where account_id = ${account}
          and table_name = 'accounts' order by id desc limit 1`,
      `audit entry of account ${account}`,
    );
  const member = await one(
    sql,
    sql`select u.email as v from users u where u.account_id = ${acme} and not u.portal_admin
        and u.status = 'active' and u.password_hash is not null order by u.id limit 1`,
    "Acme user who is not a portal admin",
  );
  const shared = {
    customerAccount: acme,
    customerIngress: await one(
      sql,
      sql`select id::text as v from ingress_routes where account_id = ${acme} order by id limit 1`,
      "Acme ingress route",
    ),
    accountEntry: await entryOf(acme),
    brandingEntry: await one(
      sql,
      sql`select id::text as v from audit_log where table_name = 'portal_branding'
          order by id desc limit 1`,
      "branding entry",
    ),
    publishedCss: `${sha256(
      await one(
        sql,
        sql`select snapshot->>'customCss' as v from branding_versions
            where coalesce(snapshot->>'customCss', '') <> '' order by version_no desc limit 1`,
        "published custom CSS",
      ),
    )}.css`,
    publishedLogo: `${await one(
      sql,
      sql`select sha256 as v from branding_assets where content_type = 'image/png'
          order by id limit 1`,
      "PNG logo",
    )}.png`,
    draftCss: `${sha256(DRAFT_CSS)}.css`,
    // Record links carry sealed ids, sealed here with the server's secret.
    ownCdr: sealCdrRef(
      Number(
        await one(
          sql,
          sql`select c.id::text as v from cdrs c where c.customer_id = ${acme}
              and c.carrier_id = ${zephyr} order by c.dt desc limit 1`,
          "CDR of Acme carried by Zephyr",
        ),
      ),
      process.env.E2E_AUTH_SECRET,
    ),
    foreignCdr: sealCdrRef(
      Number(
        await one(
          sql,
          sql`select c.id::text as v from cdrs c where c.customer_id <> ${acme}
              and c.carrier_id <> ${zephyr} order by c.dt desc limit 1`,
          "CDR of neither Acme nor Zephyr",
        ),
      ),
      process.env.E2E_AUTH_SECRET,
    ),
  };
  const perAccount = {
    acme: { ownUser: await userOf(acme), ownEntry: await entryOf(acme) },
    zephyr: { ownUser: await userOf(zephyr), ownEntry: await entryOf(zephyr) },
  };
  // The carrier's own records are Zephyr's; everyone else's "own" (and staff's sample) Acme's.
  const ids = (a: Requester) => {
    const mine = a === "carrier" ? perAccount.zephyr : perAccount.acme;
    const theirs = a === "carrier" ? perAccount.acme : perAccount.zephyr;
    return { ...shared, ...mine, foreignUser: theirs.ownUser, foreignEntry: theirs.ownEntry };
  };

  const contexts = new Map<Requester, BrowserContext>();
  contexts.set("anonymous", await browser.newContext());
  const forged = await browser.newContext();
  await forged.addCookies([
    { name: SESSION_COOKIE, value: "forged.session.cookie", url: test.info().project.use.baseURL! },
  ]);
  contexts.set("forged", forged);
  // One sign-in per audience; each context keeps its session cookie for all its requests. The
  // demo roles reuse the run's saved sign-ins; the seed's member has none, so signs in here.
  for (const role of ["admin", "support", "auditor", "branding", "customer", "carrier"] as const) {
    contexts.set(role, await contextAs(browser, role));
  }
  const memberContext = await browser.newContext();
  const memberPage = await memberContext.newPage();
  await signIn(memberPage, member);
  await memberPage.close();
  contexts.set("member", memberContext);

  const [draft] = await sql<{ css: string | null }[]>`
    select custom_css as css from portal_branding where id = 1`;
  await saveDraftCss(contexts.get("branding")!, DRAFT_CSS);

  const tables = (
    await sql<{ name: string }[]>`
      select table_name as name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`
  )
    .map((t) => t.name)
    // Written by the server's timers at any moment (audit_log's newest id covers a request's entry).
    .filter((name) => !BACKGROUND_TABLES.includes(name));
  setup = { contexts, ids, tables, originalDraftCss: draft?.css ?? "" };
});

test.afterAll(async () => {
  if (!setup) return;
  // Put the draft's CSS back as it was, so later specs start from the demo's draft.
  await saveDraftCss(setup.contexts.get("branding")!, setup.originalDraftCss);
  for (const context of setup.contexts.values()) await context.close();
});

/** Row counts of every table and the newest audit entry: what a refused request must not move. */
async function snapshot(): Promise<Record<string, number>> {
  const sql = db.sql;
  const out: Record<string, number> = {};
  for (const table of setup!.tables) {
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from ${sql(table)}`;
    out[table] = row!.n;
  }
  const [max] = await sql<{ id: number }[]>`select coalesce(max(id), 0)::int as id from audit_log`;
  out["audit_log.max(id)"] = max!.id;
  return out;
}

const fill = (template: string, a: Requester) =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = setup!.ids(a)[name];
    if (value === undefined) throw new Error(`no sample value for {${name}}`);
    return value;
  });

async function request(api: APIRequestContext, method: string, url: string) {
  const res = await api.fetch(url, { method, maxRedirects: 0, failOnStatusCode: false });
  const location = res.headers()["location"];
  return {
    status: res.status(),
    location: location ? new URL(location, "http://app").pathname : null,
  };
}

/** The outcome a response means, in the matrix's words. */
function outcomeOf(
  kind: "page" | "handler",
  requester: Requester,
  res: { status: number; location: string | null },
): Outcome | `status ${number}` {
  if (res.status >= 300 && res.status < 400) {
    if (res.location === "/login") return "login";
    if (requester !== "forged" && res.location === HOME[requester]) return "home";
    return `status ${res.status}`;
  }
  if (res.status === 401 && kind === "handler") return "login";
  if (res.status === 403) return "403";
  if (res.status === 404) return "404";
  if (res.status === 200) return "ok";
  return `status ${res.status}`;
}

async function check(
  kind: "page" | "handler",
  method: string,
  template: string,
  requester: Requester,
  expected: Outcome,
) {
  const url = fill(template, requester);
  const api = setup!.contexts.get(requester)!.request;
  const before = isRefusal(expected) ? await snapshot() : null;
  const res = await request(api, method, url);
  if (expected === "public") {
    // No role is involved: every requester gets what an anonymous visitor gets.
    const anonymous = await request(setup!.contexts.get("anonymous")!.request, method, url);
    expect(res.status, `${method} ${url}`).toBeLessThan(500);
    expect(res.status, `${method} ${url} answers everyone alike`).toBe(anonymous.status);
  } else {
    expect(outcomeOf(kind, requester, res), `${method} ${url} → ${JSON.stringify(res)}`).toBe(
      expected,
    );
  }
  if (before) expect(await snapshot(), "a refused request changed nothing").toEqual(before);
}

/** With a forged cookie the proxy lets the request through; the route's own check refuses it. */
const requesters = (a: Audience): Requester[] =>
  a === "anonymous" ? ["anonymous", "forged"] : [a];

function cases(kind: "page" | "handler") {
  const rows = kind === "page" ? PAGE_ROWS : HANDLER_ROWS;
  for (const row of rows) {
    const [method, route] = kind === "page" ? ["GET", row.key.slice(5)] : row.key.split(" ");
    const template = SAMPLE_URLS[row.key] ?? route!;
    test.describe(row.key, () => {
      for (const audience of AUDIENCES) {
        for (const requester of requesters(audience)) {
          const expected = row.expect[audience];
          const bug = KNOWN_BUGS.find((b) => b.key === row.key && b.audience === audience);
          const title = `[${requester}] ${method} ${template} → ${expected}`;
          test(bug ? `${title} (known bug)` : title, async () => {
            // A known bug runs as an expected failure: green while it exists, red once fixed.
            if (bug) test.fail(true, bug.todo);
            await check(kind, method!, template, requester, expected);
          });
        }
      }
    });
  }
}

test.describe("authorization matrix: pages", () => cases("page"));
test.describe("authorization matrix: route handlers", () => cases("handler"));

test.describe("authorization matrix: scoped cases", () => {
  // The REST API's cases sign in with keys, not cookies: test/authz/api.test.ts runs them.
  const viaCookies = (key: string) => !key.startsWith("action ") && !key.includes(" /api/v1/");
  for (const c of SCOPED_CASES.filter((s) => viaCookies(s.key))) {
    const kind = c.key.startsWith("page ") ? "page" : "handler";
    const method = kind === "page" ? "GET" : c.key.split(" ")[0]!;
    for (const [audience, expected] of Object.entries(c.expect) as [Audience, Outcome][]) {
      for (const requester of requesters(audience)) {
        test(`[${requester}] ${method} ${c.sample} (${c.given}) → ${expected}`, async () => {
          await check(kind, method, c.sample!, requester, expected);
        });
      }
    }
  }
});
