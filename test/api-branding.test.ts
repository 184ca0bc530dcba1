import { desc } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { users } from "@/db/schema";
import { auditLog, brandingVersions, portalBranding } from "@/db/schema";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { brandingEndpoints } from "@/lib/api/v1/branding";
import { CUSTOM_JS_REFUSED } from "@/lib/branding/draft";
import { getDraft } from "@/lib/branding/queries";
import { callApi, keyFor } from "./api-support";
import { setUpTestDatabase } from "./db";
import { insertTestAccount, insertTestUser } from "./factories";

const database = setUpTestDatabase();
const db = () => database.db;

let admin: typeof users.$inferSelect;
let adminKey: string;
let brandingKey: string;
let supportKey: string;

beforeAll(async () => {
  // The bootstrap seed creates the draft row in a real database; an empty test one needs it too.
  await auditedMutation(db(), systemActor("test"), {
    table: "portal_branding",
    action: "CREATE",
    change: async (tx) => {
      await tx.insert(portalBranding).values({ id: 1 });
      return 1;
    },
  });
  admin = await insertTestUser(db(), { role: "admin" });
  adminKey = await keyFor(db(), admin, "read_write", "Brand sync");
  brandingKey = await keyFor(db(), await insertTestUser(db(), { role: "branding" }));
  supportKey = await keyFor(db(), await insertTestUser(db(), { role: "support" }));
});

const draft = async () => (await getDraft(db()))!;

const counts = async () => ({
  draftVersion: (await draft()).version,
  versions: await db().$count(brandingVersions),
  entries: await db().$count(auditLog),
});

const newestEntry = async () => {
  const [entry] = await db().select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  return entry!;
};

type Branding = {
  draft: Record<string, unknown> & { version: number; portalName: string; customJs: string };
  published: (Record<string, unknown> & { versionNo: number; portalName: string }) | null;
  status: string;
};

/** The draft as a PUT body: every field as it is now, with `changes` applied. */
async function body(changes: Record<string, unknown> = {}) {
  const d = await draft();
  return {
    portalName: d.portalName,
    primaryColor: d.primaryColor,
    accentColor: d.accentColor,
    supportEmail: d.supportEmail,
    footerHtml: d.footerHtml,
    customCss: d.customCss,
    customJs: d.customJs,
    ...changes,
  };
}

const ifMatch = async () => ({ "if-match": `"v${(await draft()).version}"` });

async function problemOf(res: Response) {
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  return (await res.json()) as {
    status: number;
    detail: string;
    errors?: Record<string, string[]>;
  };
}

describe("GET /branding", () => {
  it("returns the draft and the published version with the draft's version as ETag", async () => {
    const res = await callApi(db(), brandingEndpoints.get, { key: adminKey });
    expect(res.status).toBe(200);
    const branding = (await res.json()) as Branding;
    const d = await draft();
    expect(res.headers.get("etag")).toBe(`"v${d.version}"`);
    expect(branding.draft).toMatchObject({ portalName: d.portalName, version: d.version });
    expect(branding.draft).toHaveProperty("customJs");
    expect(branding).toHaveProperty("published");
    expect(typeof branding.status).toBe("string");
  });

  it("refuses a support key and a portal key (403): the page is branding:manage only", async () => {
    for (const key of [
      supportKey,
      await keyFor(
        db(),
        await insertTestUser(db(), {
          role: "customer",
          accountId: (await insertTestAccount(db())).id,
        }),
      ),
    ]) {
      const res = await callApi(db(), brandingEndpoints.get, { key });
      expect(res.status).toBe(403);
      await problemOf(res);
    }
  });
});

describe("PUT /branding", () => {
  it("needs If-Match (428) and refuses a stale one (412), writing nothing", async () => {
    const before = await counts();
    const missing = await callApi(db(), brandingEndpoints.save, {
      key: adminKey,
      body: await body({ portalName: "No Match Portal" }),
    });
    expect(missing.status).toBe(428);
    await problemOf(missing);

    const stale = await callApi(db(), brandingEndpoints.save, {
      key: adminKey,
      body: await body({ portalName: "Stale Portal" }),
      headers: { "if-match": `"v${before.draftVersion + 5}"` },
    });
    expect(stale.status).toBe(412);
    await problemOf(stale);
    expect(await counts()).toEqual(before);
    expect((await draft()).portalName).not.toMatch(/No Match|Stale/);
  });

  it("saves the draft as one PUT entry and answers with the new ETag", async () => {
    const before = await counts();
    const res = await callApi(db(), brandingEndpoints.save, {
      key: adminKey,
      body: await body({ portalName: "Acme Voice", primaryColor: "#112233" }),
      headers: { ...(await ifMatch()), "x-request-id": "req-branding-put" },
    });
    expect(res.status).toBe(200);
    const branding = (await res.json()) as Branding;
    expect(branding.draft).toMatchObject({ portalName: "Acme Voice", primaryColor: "#112233" });
    const after = await draft();
    expect(after.version).toBe(before.draftVersion + 1);
    expect(res.headers.get("etag")).toBe(`"v${after.version}"`);
    expect(await db().$count(auditLog)).toBe(before.entries + 1);
    expect(await newestEntry()).toMatchObject({
      action: "PUT",
      actorType: "api",
      tableName: "portal_branding",
      requestId: res.headers.get("x-request-id"),
    });
    expect((await newestEntry()).actorLabel).toContain("Brand sync");
  });

  it("answers 422 with field errors and writes nothing", async () => {
    const before = await counts();
    const res = await callApi(db(), brandingEndpoints.save, {
      key: adminKey,
      body: await body({ portalName: "", primaryColor: "red", supportEmail: "not-an-email" }),
      headers: await ifMatch(),
    });
    expect(res.status).toBe(422);
    const { errors } = await problemOf(res);
    expect(Object.keys(errors ?? {}).sort()).toEqual([
      "portalName",
      "primaryColor",
      "supportEmail",
    ]);
    expect(await counts()).toEqual(before);
  });

  it("answers 422 naming the line and column of a CSS or JavaScript syntax error, writing nothing", async () => {
    const before = await counts();
    const row = await draft();
    const res = await callApi(db(), brandingEndpoints.save, {
      key: adminKey,
      body: await body({
        portalName: "Broken Code Portal",
        customCss: "a { color: red; }\n\nb { color: blue;\n",
        customJs: "const a = 1;\nif (a {}",
      }),
      headers: await ifMatch(),
    });
    expect(res.status).toBe(422);
    const { errors } = await problemOf(res);
    expect(errors).toEqual({
      customCss: ["Line 3, column 1: Unclosed block"],
      customJs: ["Line 2, column 7: Unexpected token"],
    });
    expect(await counts()).toEqual(before);
    expect(await draft()).toEqual(row);
  });

  it("refuses a custom JavaScript change by a role without branding:custom-js (403)", async () => {
    const before = await counts();
    const res = await callApi(db(), brandingEndpoints.save, {
      key: brandingKey,
      body: await body({ customJs: "console.log('hi')" }),
      headers: await ifMatch(),
    });
    expect(res.status).toBe(403);
    expect((await problemOf(res)).detail).toBe(CUSTOM_JS_REFUSED);
    expect(await counts()).toEqual(before);

    // The same role saves other fields when it sends the script back as it read it.
    const ok = await callApi(db(), brandingEndpoints.save, {
      key: brandingKey,
      body: await body({ accentColor: "#445566" }),
      headers: await ifMatch(),
    });
    expect(ok.status).toBe(200);
    expect((await draft()).accentColor).toBe("#445566");
  });

  it("lets an admin change the custom JavaScript", async () => {
    const res = await callApi(db(), brandingEndpoints.save, {
      key: adminKey,
      body: await body({ customJs: "window.portal = true;\n" }),
      headers: await ifMatch(),
    });
    expect(res.status).toBe(200);
    expect((await draft()).customJs).toBe("window.portal = true;\n");
  });

  it("refuses a support key (403) and writes nothing", async () => {
    const before = await counts();
    const res = await callApi(db(), brandingEndpoints.save, {
      key: supportKey,
      body: await body({ portalName: "Support Portal" }),
      headers: await ifMatch(),
    });
    expect(res.status).toBe(403);
    await problemOf(res);
    expect(await counts()).toEqual(before);
  });
});

describe("POST /branding/publish", () => {
  const publish = async (key: string, version: number, headers: Record<string, string> = {}) =>
    callApi(db(), brandingEndpoints.publish, { key, body: { version }, headers });

  it("refuses a support key (403) and a stale draft version (412), writing nothing", async () => {
    const before = await counts();
    const forbidden = await publish(supportKey, before.draftVersion);
    expect(forbidden.status).toBe(403);
    await problemOf(forbidden);
    const stale = await publish(adminKey, before.draftVersion - 1);
    expect(stale.status).toBe(412);
    await problemOf(stale);
    const invalid = await callApi(db(), brandingEndpoints.publish, { key: adminKey, body: {} });
    expect(invalid.status).toBe(422);
    expect((await problemOf(invalid)).errors).toHaveProperty("version");
    expect(await counts()).toEqual(before);
  });

  it("publishes the draft as one PUBLISH entry; a retry with the same Idempotency-Key adds nothing", async () => {
    const before = await counts();
    const headers = { "idempotency-key": "publish-acme-1" };
    const first = await publish(adminKey, before.draftVersion, headers);
    expect(first.status).toBe(201);
    const branding = (await first.json()) as Branding;
    expect(branding.published).toMatchObject({ portalName: "Acme Voice" });
    expect(await newestEntry()).toMatchObject({
      action: "PUBLISH",
      actorType: "api",
      tableName: "branding_versions",
    });

    const retry = await publish(adminKey, before.draftVersion, headers);
    expect(retry.status).toBe(201);
    expect(await counts()).toEqual({
      ...before,
      versions: before.versions + 1,
      entries: before.entries + 1,
    });

    // Nothing changed since: a second publish is a conflict.
    const again = await publish(adminKey, before.draftVersion);
    expect(again.status).toBe(409);
    await problemOf(again);

    const read = (await (
      await callApi(db(), brandingEndpoints.get, { key: adminKey })
    ).json()) as Branding;
    expect(read.published?.versionNo).toBe(branding.published?.versionNo);
  });
});
