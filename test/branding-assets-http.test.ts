import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { brandingVersions, portalBranding } from "@/db/schema";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { serveBrandingImage, serveCustomCode } from "@/lib/branding/assets-http";
import { customCodeUrlFor } from "@/lib/branding/code-url";
import { sha256Hex } from "@/lib/branding/fields";
import { uploadBrandingImage } from "@/lib/branding/upload";
import { customCodeUrl, imageUrl } from "@/lib/branding/urls";
import { png, text } from "./branding-image-fixtures";
import { setUpTestDatabase } from "./db";

const database = setUpTestDatabase();
const db = () => database.db;
const actor = systemActor("test");

const DRAFT_CSS = ".portal-header { letter-spacing: 0.02em; }";
const PUBLISHED_JS = 'document.body.dataset.portal = "northbridge";';
const OLD_CSS = "body { color: #111827; }";

let pngSha: string;
let svgSha: string;
const pngBytes = png(240, 64);

beforeAll(async () => {
  await auditedMutation(db(), actor, {
    table: "portal_branding",
    action: "CREATE",
    change: async (tx) => {
      await tx.insert(portalBranding).values({ id: 1, customCss: DRAFT_CSS, customJs: "  \n" });
      return 1;
    },
  });
  for (const [versionNo, snapshot] of [
    [1, { customCss: OLD_CSS, customJs: "" }],
    [2, { customCss: OLD_CSS, customJs: PUBLISHED_JS }],
  ] as const) {
    await auditedMutation(db(), actor, {
      table: "branding_versions",
      action: "PUBLISH",
      change: async (tx) => {
        const [row] = await tx
          .insert(brandingVersions)
          .values({ versionNo, snapshot })
          .returning({ id: brandingVersions.id });
        return row!.id;
      },
    });
  }
  pngSha = (await uploadBrandingImage(db(), actor, "logo", pngBytes)).sha256;
  svgSha = (
    await uploadBrandingImage(
      db(),
      actor,
      "favicon",
      text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle r="8"/></svg>'),
    )
  ).sha256;
});

const fileOf = (url: string) => url.split("/").at(-1)!;
const withEtag = (etag: string) =>
  new Request("http://portal.example/x", { headers: { "If-None-Match": etag } });

describe("URLs", () => {
  it("names files by content hash and type", () => {
    const sha = "a".repeat(64);
    expect(imageUrl(sha, "image/png")).toBe(`/portal-assets/images/${sha}.png`);
    expect(imageUrl(sha, "image/jpeg")).toBe(`/portal-assets/images/${sha}.jpg`);
    expect(imageUrl(sha, "image/svg+xml")).toBe(`/portal-assets/images/${sha}.svg`);
    expect(() => imageUrl(sha, "text/html")).toThrow();
    expect(customCodeUrl("js", sha)).toBe(`/portal-assets/custom/${sha}.js`);
    expect(customCodeUrlFor("css", DRAFT_CSS)).toBe(
      `/portal-assets/custom/${sha256Hex(DRAFT_CSS)}.css`,
    );
    expect(customCodeUrlFor("js", " \n\t")).toBeNull();
  });
});

describe("serveBrandingImage", () => {
  it("serves an uploaded PNG with immutable caching and nosniff", async () => {
    const res = await serveBrandingImage(db(), fileOf(imageUrl(pngSha, "image/png")));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("etag")).toBe(`"${pngSha}"`);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toBeNull();
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(pngBytes))).toBe(true);
  });

  it("serves an SVG under a policy that lets it run nothing", async () => {
    const res = await serveBrandingImage(db(), `${svgSha}.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/svg+xml");
    expect(res.headers.get("content-security-policy")).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    );
    expect(await res.text()).toContain("<circle");
  });

  it("answers a matching If-None-Match with 304 and no body", async () => {
    for (const etag of [`"${pngSha}"`, `W/"${pngSha}"`, `"other", "${pngSha}"`]) {
      const res = await serveBrandingImage(db(), `${pngSha}.png`, withEtag(etag));
      expect(res.status).toBe(304);
      expect(res.headers.get("etag")).toBe(`"${pngSha}"`);
      expect(await res.text()).toBe("");
    }
    const stale = await serveBrandingImage(db(), `${pngSha}.png`, withEtag(`"${"0".repeat(64)}"`));
    expect(stale.status).toBe(200);
  });

  it("is a 404 for unknown hashes, the wrong type and malformed names", async () => {
    const names = [
      `${"0".repeat(64)}.png`,
      `${pngSha}.jpg`,
      `${pngSha}.svg`,
      `${svgSha}.png`,
      `${pngSha.toUpperCase()}.png`,
      `${pngSha}.PNG`,
      `${pngSha}.gif`,
      pngSha,
      `../${pngSha}.png`,
      `${pngSha}.png.html`,
    ];
    for (const name of names) {
      const res = await serveBrandingImage(db(), name);
      expect(res.status, name).toBe(404);
      expect(res.headers.get("cache-control")).toBe("no-store");
    }
  });
});

describe("serveCustomCode", () => {
  it("serves published CSS as text/css with immutable caching", async () => {
    const res = await serveCustomCode(db(), fileOf(customCodeUrlFor("css", OLD_CSS)!));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("etag")).toBe(`"${sha256Hex(OLD_CSS)}"`);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await res.text()).toBe(OLD_CSS);
  });

  it("serves the unpublished draft's code only to branding editors, never cached", async () => {
    const file = fileOf(customCodeUrlFor("css", DRAFT_CSS)!);
    expect((await serveCustomCode(db(), file)).status).toBe(404);
    expect((await serveCustomCode(db(), file, undefined, async () => false)).status).toBe(404);
    const res = await serveCustomCode(db(), file, undefined, async () => true);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(await res.text()).toBe(DRAFT_CSS);
  });

  it("finds code published after the first request (the index follows new versions)", async () => {
    const css = ".portal-header { color: #123456; }";
    const file = `${sha256Hex(css)}.css`;
    expect((await serveCustomCode(db(), file)).status).toBe(404);
    await auditedMutation(db(), actor, {
      table: "branding_versions",
      action: "PUBLISH",
      change: async (tx) => {
        const [row] = await tx
          .insert(brandingVersions)
          .values({ versionNo: 3, snapshot: { customCss: css, customJs: PUBLISHED_JS } })
          .returning({ id: brandingVersions.id });
        return row!.id;
      },
    });
    expect(await (await serveCustomCode(db(), file)).text()).toBe(css);
  });

  it("serves code only a published version still has", async () => {
    const js = await serveCustomCode(db(), `${sha256Hex(PUBLISHED_JS)}.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await js.text()).toBe(PUBLISHED_JS);
    const css = await serveCustomCode(db(), `${sha256Hex(OLD_CSS)}.css`);
    expect(await css.text()).toBe(OLD_CSS);
  });

  it("answers a matching If-None-Match with 304", async () => {
    const sha = sha256Hex(OLD_CSS);
    const res = await serveCustomCode(db(), `${sha}.css`, withEtag(`"${sha}"`));
    expect(res.status).toBe(304);
    expect(await res.text()).toBe("");
  });

  it("is a 404 for unknown hashes, CSS asked for as JS, blank code and bad names", async () => {
    const draft = await db().select().from(portalBranding).where(eq(portalBranding.id, 1));
    const names = [
      `${"f".repeat(64)}.css`,
      `${sha256Hex(DRAFT_CSS)}.js`,
      `${sha256Hex(PUBLISHED_JS)}.css`,
      `${sha256Hex(draft[0]!.customJs)}.js`,
      `${sha256Hex("")}.js`,
      `${sha256Hex(DRAFT_CSS)}.txt`,
      `${sha256Hex(DRAFT_CSS)}`,
    ];
    for (const name of names) {
      expect((await serveCustomCode(db(), name)).status, name).toBe(404);
    }
  });
});
