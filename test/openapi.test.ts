import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { GET } from "@/app/api/v1/openapi.json/route";
import { openApiDocument } from "@/lib/api/openapi";

type Operation = {
  summary?: string;
  security?: unknown[];
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: unknown;
  responses: Record<string, { headers?: Record<string, unknown>; content?: object }>;
};
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

const doc = openApiDocument() as unknown as Document;
const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"] as const;

describe("the OpenAPI document", () => {
  it("validates as OpenAPI 3.1 with a real validator", async () => {
    const validator = new Validator();
    // A copy: the validator may annotate what it is given.
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("is checked for real: a broken document fails the same validator", async () => {
    const broken = structuredClone(doc) as unknown as Record<string, unknown>;
    broken.paths = { "/accounts": { get: { responses: "none" } } };
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it("is served at /api/v1/openapi.json without a key", async () => {
    const res = GET();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(doc)));
  });

  it("documents the door's headers and refusals from the endpoint flags", () => {
    const put = doc.paths["/accounts/{id}"]!.put!;
    expect(put.parameters).toContainEqual(
      expect.objectContaining({ in: "header", name: "If-Match", required: true }),
    );
    expect(put.parameters).toContainEqual(expect.objectContaining({ in: "path", name: "id" }));
    expect(Object.keys(put.responses)).toEqual(
      ["200", "401", "403", "404", "400", "409", "412", "413", "415", "422", "428", "429"].sort(),
    );
    expect(put.responses["412"]!.content).toHaveProperty("application/problem+json");
    expect(put.responses["200"]!.headers).toHaveProperty("ETag");

    const post = doc.paths["/accounts"]!.post!;
    expect(post.parameters).toContainEqual(
      expect.objectContaining({ in: "header", name: "Idempotency-Key" }),
    );
    expect(post.requestBody).toBeDefined();
    expect(post.responses).toHaveProperty("201");
    expect(post.responses).not.toHaveProperty("428");

    const list = doc.paths["/accounts"]!.get!;
    expect(list.parameters?.map((p) => `${p.in}:${p.name}`)).toContain("query:cursor");
    expect(list.responses["429"]!.headers).toHaveProperty("Retry-After");
    expect(list.responses).not.toHaveProperty("422");

    // Publishing carries the draft's version in its body: a stale one is a 412.
    expect(doc.paths["/branding/publish"]!.post!.responses).toHaveProperty("412");
    expect(doc.paths["/accounts/{id}"]!.delete!.responses).toHaveProperty("204");
    expect(doc.paths["/openapi.json"]!.get!.security).toEqual([]);
  });
});

/** app/api/v1/accounts/[id]/route.ts → /accounts/{id} */
function routeFiles(dir: string, base = dir): { file: string; path: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full, base);
    if (entry.name !== "route.ts") return [];
    const folders = path.relative(base, dir).split(path.sep).filter(Boolean);
    const apiPath = "/" + folders.map((f) => f.replace(/^\[(.+)\]$/, "{$1}")).join("/");
    return [{ file: full, path: apiPath }];
  });
}

/** The HTTP methods a route file exports (`export const GET = …`, `export function POST`). */
function exportedMethods(source: string): string[] {
  return METHODS.filter((m) =>
    new RegExp(`export\\s+(?:const|(?:async\\s+)?function)\\s+${m}\\b`).test(source),
  );
}

describe("route coverage", () => {
  const routes = routeFiles(path.resolve(__dirname, "../app/api/v1")).flatMap(({ file, path }) =>
    exportedMethods(readFileSync(file, "utf8")).map((m) => `${m} ${path}`),
  );
  const documented = Object.entries(doc.paths).flatMap(([p, item]) =>
    Object.keys(item)
      .filter((k) => (METHODS as readonly string[]).includes(k.toUpperCase()))
      .map((m) => `${m.toUpperCase()} ${p}`),
  );

  it("finds the route files", () => {
    expect(routes).toContain("GET /accounts/{id}");
    expect(routes).toContain("GET /openapi.json");
  });

  it("documents every route file's methods", () => {
    expect(routes.filter((r) => !documented.includes(r))).toEqual([]);
  });

  it("documents no method without a route", () => {
    expect(documented.filter((d) => !routes.includes(d))).toEqual([]);
  });
});
