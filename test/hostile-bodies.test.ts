import { beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { accounts, auditLog, brandingAssets, brandingVersions, portalBranding } from "@/db/schema";
import type { Operation } from "@/lib/actions/operation";
import { serveEndpoint } from "@/lib/api/endpoint";
import { accountEndpoints } from "@/lib/api/v1/accounts";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import type { CurrentUser } from "@/lib/auth/session";
import { saveDraftOperation } from "@/lib/branding/draft";
import { draftFormValues, getDraft } from "@/lib/branding/queries";
import { BRANDING_LIMITS } from "@/lib/branding/schemas";
import { uploadImageOperation } from "@/lib/branding/upload";
import { callApi, keyFor } from "./api-support";
import { setUpTestDatabase } from "./db";
import { insertTestUser } from "./factories";
import { asCurrent, runAs } from "./run-action";

/**
 * Oversized and malformed input through the real doors: branding texts one character over their
 * limits and uploads over theirs (the form's operation, as the server action runs it), and API
 * bodies that are not what JSON parsing and the 1 MiB limit expect (the plain cases are in
 * test/api-door.test.ts). Each is refused with a clear error and nothing is written.
 */

const database = setUpTestDatabase();
const db = () => database.db;

const run = <S extends z.ZodType, T>(op: Operation<S, T>, user: CurrentUser, raw: object) =>
  runAs(db(), op, user, raw);

const draft = async () => (await getDraft(db()))!;

const counts = async () => ({
  draftVersion: (await draft()).version,
  versions: await db().$count(brandingVersions),
  assets: await db().$count(brandingAssets),
  accounts: await db().$count(accounts),
  audit: await db().$count(auditLog),
});

let admin: CurrentUser;
let adminKey: string;
beforeAll(async () => {
  await auditedMutation(db(), systemActor("test"), {
    table: "portal_branding",
    action: "CREATE",
    change: async (tx) => {
      await tx.insert(portalBranding).values({ id: 1 });
      return 1;
    },
  });
  const row = await insertTestUser(db(), { role: "admin" });
  admin = asCurrent(row);
  adminKey = await keyFor(db(), row, "read_write", "Hostile bodies");
});

describe("branding texts over their limits", () => {
  const over = {
    portalName: "P".repeat(BRANDING_LIMITS.portalName + 1),
    footerHtml: "f".repeat(BRANDING_LIMITS.footerHtml + 1),
    customCss: "c".repeat(BRANDING_LIMITS.code + 1),
    customJs: "j".repeat(BRANDING_LIMITS.code + 1),
  };

  it("each is a field error naming its limit, and nothing is written", async () => {
    for (const [field, value] of Object.entries(over)) {
      const before = await counts();
      const result = await run(saveDraftOperation, admin, {
        ...draftFormValues(await draft()),
        [field]: value,
      });
      expect(result, field).toMatchObject({
        status: "error",
        fieldErrors: { [field]: [expect.stringMatching(/^At most [\d,]+ characters\.$/)] },
      });
      expect(await counts(), field).toEqual(before);
    }
  });

  it("at the limit they are saved whole (the limit is the one the error names)", async () => {
    const at = {
      portalName: "P".repeat(BRANDING_LIMITS.portalName),
      footerHtml: "f".repeat(BRANDING_LIMITS.footerHtml),
      // Valid code (a long comment): code is syntax-checked too.
      customCss: `/*${"c".repeat(BRANDING_LIMITS.code - 4)}*/`,
      customJs: "j".repeat(BRANDING_LIMITS.code),
    };
    const result = await run(saveDraftOperation, admin, {
      ...draftFormValues(await draft()),
      ...at,
    });
    expect(result.status).toBe("ok");
    expect(await draft()).toMatchObject(at);
  });
});

describe("uploads over their limits", () => {
  // A real PNG header followed by padding: the size check, not the format check, must refuse it.
  const png = Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR4nGOQ9bsBRwzEcQABghQxcs6DfwAAAABJRU5ErkJggg==",
    "base64",
  );
  const padded = (bytes: number) => {
    const out = new Uint8Array(bytes);
    out.set(png);
    return out;
  };

  it("a logo over 512 KB, a favicon over 100 KB and a file past the action body limit are refused", async () => {
    const cases: ["logo" | "favicon", number, string][] = [
      ["logo", 512 * 1024 + 1, "The logo is 513 KB; the limit is 512 KB."],
      ["favicon", 100 * 1024 + 1, "The favicon is 101 KB; the limit is 100 KB."],
      ["logo", 3 * 1024 * 1024, "The logo is 3072 KB; the limit is 512 KB."],
    ];
    for (const [kind, bytes, message] of cases) {
      const before = await counts();
      const result = await run(uploadImageOperation, admin, {
        kind,
        file: new File([padded(bytes)], `${kind}.png`, { type: "image/png" }),
      });
      expect(result, `${kind} ${bytes}`).toMatchObject({
        status: "error",
        fieldErrors: { file: [message] },
      });
      expect(await counts()).toEqual(before);
    }
  });
});

describe("API bodies", () => {
  const post = (body: BodyInit, headers: Record<string, string> = {}) =>
    callApi(db(), accountEndpoints.create, {
      key: adminKey,
      body: body as string,
      headers: { "content-type": "application/json", ...headers },
    });

  it("malformed JSON of every kind is a 400 and writes nothing", async () => {
    const before = await counts();
    for (const body of [
      "",
      " ",
      "null",
      '"text"',
      "42",
      "{",
      '{"name":',
      "{'name':'x'}",
      "\uFEFF{}x",
      "{}{}",
    ]) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
    expect(await counts()).toEqual(before);
  });

  it("deep nesting and a flood of keys are refused or ignored, never a 500", async () => {
    const before = await counts();
    const deep = `{"name":${"[".repeat(200_000)}${"]".repeat(200_000)}}`;
    const keys = `{${Array.from({ length: 50_000 }, (_, i) => `"k${i}":${i}`).join(",")}}`;
    const nested = await post(deep);
    expect(nested.status).toBe(400);
    expect(await nested.json()).toMatchObject({ detail: "The body nests deeper than 32 levels." });
    // Brackets inside strings are text, not nesting: this one is read (and refused by its fields).
    const inString = await post(JSON.stringify({ name: "[".repeat(100), currency: "{{{" }));
    expect(inString.status).toBe(422);
    const flood = await post(keys);
    expect(flood.status).toBe(422);
    expect(await counts()).toEqual(before);
  });

  it("a body longer than its declared length, or streamed past 1 MiB without one, is a 413", async () => {
    const before = await counts();
    const big = JSON.stringify({ name: "x".repeat(1_100_000) });
    const understated = await post(big, { "content-length": "20" });
    expect(understated.status).toBe(413);
    const chunks = [
      new TextEncoder().encode(big.slice(0, 600_000)),
      new TextEncoder().encode(big.slice(600_000)),
    ];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const streamed = await serveEndpoint(
      db(),
      accountEndpoints.create,
      new Request("http://api.test/api/v1/accounts", {
        method: "POST",
        headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
        body: stream,
        duplex: "half",
      } as RequestInit),
      {},
    );
    expect(streamed.status).toBe(413);
    expect(await counts()).toEqual(before);
  });
});
