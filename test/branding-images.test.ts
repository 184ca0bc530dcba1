import { and, asc, eq, gt } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditLog, brandingAssets, portalBranding } from "@/db/schema";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation, StaleRecordError } from "@/lib/audit/core";
import { sha256Hex } from "@/lib/branding/fields";
import { checkBrandingImage, type BrandingImageKind } from "@/lib/branding/images";
import { removeBrandingImage, uploadBrandingImage } from "@/lib/branding/upload";
import { AppError } from "@/lib/errors";
import { jpeg, png, text, webp } from "./branding-image-fixtures";
import { setUpTestDatabase } from "./db";

const SVG_NS = "http://www.w3.org/2000/svg";
const svg = (body: string, attrs: string) => text(`<svg xmlns="${SVG_NS}" ${attrs}>${body}</svg>`);

/** The `file` field error checkBrandingImage / uploadBrandingImage refused with. */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).kind).toBe("invalid");
    return (err as AppError).fieldErrors?.file?.[0] ?? "(no file error)";
  }
  throw new Error("expected the image to be refused");
}
async function asyncRefusal(run: () => Promise<unknown>): Promise<string> {
  const err: unknown = await run().then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return (err as AppError).fieldErrors?.file?.[0] ?? "(no file error)";
}

const NOT_AN_IMAGE = "This file is not a PNG, JPEG, WebP or SVG image.";

describe("checkBrandingImage", () => {
  it("reads PNG, JPEG and WebP by their content", () => {
    const bytes = png(240, 64);
    expect(checkBrandingImage("logo", bytes)).toEqual({
      contentType: "image/png",
      ext: "png",
      bytes,
      width: 240,
      height: 64,
      sha256: sha256Hex(bytes),
      sanitised: false,
    });
    expect(checkBrandingImage("logo", jpeg(300, 120))).toMatchObject({
      contentType: "image/jpeg",
      ext: "jpg",
      width: 300,
      height: 120,
    });
    expect(checkBrandingImage("favicon", webp(48, 48))).toMatchObject({
      contentType: "image/webp",
      ext: "webp",
      width: 48,
      height: 48,
    });
  });

  it("refuses an empty file", () => {
    expect(refusal(() => checkBrandingImage("logo", new Uint8Array()))).toBe("The file is empty.");
  });

  it("refuses files over the size limit, saying the size and the limit", () => {
    const big = new Uint8Array(600 * 1024);
    big.set(png(240, 64));
    expect(refusal(() => checkBrandingImage("logo", big))).toBe(
      "The logo is 600 KB; the limit is 512 KB.",
    );
    const justOver = new Uint8Array(100 * 1024 + 1);
    justOver.set(png(32, 32));
    expect(refusal(() => checkBrandingImage("favicon", justOver))).toBe(
      "The favicon is 101 KB; the limit is 100 KB.",
    );
  });

  it("refuses what is not an image, whatever it is called", () => {
    const notImages = [
      text("<!doctype html><html><body><h1>Hello</h1></body></html>"),
      text("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF"),
      text("this text file was renamed logo.png"),
      text("GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]),
    ];
    for (const bytes of notImages) {
      expect(refusal(() => checkBrandingImage("logo", bytes))).toBe(NOT_AN_IMAGE);
    }
  });

  it("refuses a logo larger than 1200 × 600 px", () => {
    expect(refusal(() => checkBrandingImage("logo", png(3000, 200)))).toBe(
      "The logo is 3000 × 200 px; the limit is 1200 × 600 px.",
    );
    expect(refusal(() => checkBrandingImage("logo", jpeg(800, 601)))).toBe(
      "The logo is 800 × 601 px; the limit is 1200 × 600 px.",
    );
    expect(checkBrandingImage("logo", webp(1200, 600)).width).toBe(1200);
  });

  it("wants a square favicon between 16 and 512 px", () => {
    expect(refusal(() => checkBrandingImage("favicon", png(64, 32)))).toBe(
      "A favicon must be square (this one is 64 × 32 px).",
    );
    expect(refusal(() => checkBrandingImage("favicon", png(8, 8)))).toBe(
      "A favicon must be between 16 × 16 and 512 × 512 px (this one is 8 × 8 px).",
    );
    expect(refusal(() => checkBrandingImage("favicon", webp(600, 600)))).toBe(
      "A favicon must be between 16 × 16 and 512 × 512 px (this one is 600 × 600 px).",
    );
    expect(checkBrandingImage("favicon", png(16, 16)).width).toBe(16);
  });

  it("sanitises an SVG and stores the sanitised bytes", () => {
    const input = svg(
      '<script>alert(1)</script><rect width="240" height="64" onclick="alert(2)"/>',
      'width="240" height="64" onload="alert(3)"',
    );
    const image = checkBrandingImage("logo", input);
    const stored = new TextDecoder().decode(image.bytes);
    expect(image).toMatchObject({
      contentType: "image/svg+xml",
      ext: "svg",
      width: 240,
      height: 64,
      sanitised: true,
    });
    expect(stored).not.toMatch(/<script|onload|onclick|alert/);
    expect(stored).toContain("<rect");
    expect(image.sha256).toBe(sha256Hex(image.bytes));
    expect(image.sha256).not.toBe(sha256Hex(input));
  });

  it("takes an SVG's size from width/height or its viewBox, and refuses one without", () => {
    expect(checkBrandingImage("logo", svg("", 'viewBox="0 0 480 128"'))).toMatchObject({
      width: 480,
      height: 128,
      sanitised: false,
    });
    expect(
      checkBrandingImage("logo", svg("", 'height="32px" viewBox="0 0 480 128"')),
    ).toMatchObject({ width: 120, height: 32 });
    expect(refusal(() => checkBrandingImage("logo", svg("", 'width="100%" height="100%"')))).toBe(
      "This SVG has no usable size: give its <svg> element a width and height in px, or a viewBox.",
    );
  });

  it("applies pixel limits to raster images only, but a favicon SVG must still be square", () => {
    expect(checkBrandingImage("logo", svg("", 'viewBox="0 0 2400 1200"')).width).toBe(2400);
    expect(refusal(() => checkBrandingImage("favicon", svg("", 'viewBox="0 0 64 32"')))).toBe(
      "A favicon must be square (this one is 64 × 32 px).",
    );
  });

  it("refuses an SVG that does not parse", () => {
    expect(
      refusal(() => checkBrandingImage("logo", text('<svg viewBox="0 0 1 1"><g></svg>'))),
    ).toBe("This SVG could not be read: it is not well-formed XML with an <svg> root element.");
  });
});

const database = setUpTestDatabase();
const db = () => database.db;
const actor = systemActor("Lena Fischer", { type: "user", userId: null, channel: "control_panel" });

beforeAll(async () => {
  await auditedMutation(db(), systemActor("test"), {
    table: "portal_branding",
    action: "CREATE",
    change: async (tx) => {
      await tx.insert(portalBranding).values({ id: 1, portalName: "Northbridge Customer Portal" });
      return 1;
    },
  });
});

async function draft() {
  const [row] = await db().select().from(portalBranding).where(eq(portalBranding.id, 1));
  return row!;
}
async function state() {
  return {
    assets: await db().$count(brandingAssets),
    audit: await db().$count(auditLog),
    draft: await draft(),
  };
}
/** Audit entries written after entry `afterId`, oldest first. */
async function entriesAfter(afterId: number) {
  return db().select().from(auditLog).where(gt(auditLog.id, afterId)).orderBy(asc(auditLog.id));
}
async function lastAuditId() {
  const rows = await entriesAfter(0);
  return rows.at(-1)?.id ?? 0;
}

describe("uploadBrandingImage", () => {
  beforeEach(async () => {
    // Each test starts from a draft without images.
    for (const kind of ["logo", "favicon"] as BrandingImageKind[]) {
      const field = kind === "logo" ? "logoAssetId" : "faviconAssetId";
      if ((await draft())[field] !== null) await removeBrandingImage(db(), actor, kind);
    }
  });

  it("stores a PNG and sets it as the logo: CREATE and UPDATE entries in one transaction", async () => {
    const bytes = png(240, 64);
    const before = await state();
    const since = await lastAuditId();

    const result = await uploadBrandingImage(db(), actor, "logo", bytes, before.draft.version);

    expect(result).toEqual({
      assetId: expect.any(Number),
      sha256: sha256Hex(bytes),
      sanitised: false,
    });
    const [asset] = await db()
      .select()
      .from(brandingAssets)
      .where(eq(brandingAssets.id, result.assetId));
    expect(asset).toMatchObject({
      kind: "logo",
      contentType: "image/png",
      sha256: sha256Hex(bytes),
      width: 240,
      height: 64,
    });
    expect(Buffer.from(asset!.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect((await draft()).logoAssetId).toBe(result.assetId);
    expect((await draft()).version).toBe(before.draft.version + 1);

    const entries = await entriesAfter(since);
    expect(entries.map((e) => [e.action, e.tableName, e.recordPk])).toEqual([
      ["CREATE", "branding_assets", String(result.assetId)],
      ["UPDATE", "portal_branding", "1"],
    ]);
    const [create, update] = entries as [(typeof entries)[0], (typeof entries)[0]];
    // now() is the transaction's start time: equal timestamps mean one transaction.
    expect(create.occurredAt.getTime()).toBe(update.occurredAt.getTime());
    expect(create.requestId).toBe(actor.requestId);
    expect(create.after).toMatchObject({
      bytes: { bytes: bytes.length },
      sha256: sha256Hex(bytes),
    });
    expect(update.before).toMatchObject({ logoAssetId: null });
    expect(update.after).toMatchObject({ logoAssetId: result.assetId });
    expect(update.message).toBe(
      "Uploaded a new logo for portal branding Northbridge Customer Portal (PNG, 240 × 64 px)",
    );
    expect(create.message).toBe(
      `Uploaded branding logo ${sha256Hex(bytes).slice(0, 12)} (${result.assetId}): PNG, 240 × 64 px, 1 KB`,
    );
  });

  it("stores an SVG logo without its <script> and onload=", async () => {
    const input = svg(
      '<script>alert(1)</script><circle r="4"/>',
      'viewBox="0 0 8 8" onload="alert(2)"',
    );
    const result = await uploadBrandingImage(db(), actor, "logo", input);
    expect(result.sanitised).toBe(true);
    const [asset] = await db()
      .select()
      .from(brandingAssets)
      .where(eq(brandingAssets.id, result.assetId));
    const stored = Buffer.from(asset!.bytes).toString("utf8");
    expect(stored).not.toContain("<script");
    expect(stored).not.toContain("onload");
    expect(stored).toContain("<circle");
    expect(asset!.sha256).toBe(sha256Hex(asset!.bytes));
    expect(asset!.contentType).toBe("image/svg+xml");
    const [create] = await db()
      .select({ message: auditLog.message })
      .from(auditLog)
      .where(
        and(
          eq(auditLog.tableName, "branding_assets"),
          eq(auditLog.recordPk, String(result.assetId)),
        ),
      );
    expect(create!.message).toMatch(/SVG, 8 × 8 px, 1 KB; unsafe SVG content removed$/);
  });

  it("refuses oversized and non-image uploads with their message and changes nothing", async () => {
    await uploadBrandingImage(db(), actor, "logo", png(100, 40));
    const oversized = new Uint8Array(812 * 1024);
    oversized.set(png(240, 64));
    const cases: [BrandingImageKind, Uint8Array, string][] = [
      ["logo", oversized, "The logo is 812 KB; the limit is 512 KB."],
      ["logo", text("<html><body><script>alert(1)</script></body></html>"), NOT_AN_IMAGE],
      ["logo", text("%PDF-1.4\n%âãÏÓ\n1 0 obj"), NOT_AN_IMAGE],
      ["favicon", text("not really a png"), NOT_AN_IMAGE],
      ["logo", png(3000, 200), "The logo is 3000 × 200 px; the limit is 1200 × 600 px."],
      ["favicon", png(64, 32), "A favicon must be square (this one is 64 × 32 px)."],
    ];
    for (const [kind, bytes, message] of cases) {
      const before = await state();
      expect(await asyncRefusal(() => uploadBrandingImage(db(), actor, kind, bytes))).toBe(message);
      expect(await state()).toEqual(before);
    }
  });

  it("reuses the stored image when the same file is uploaded again", async () => {
    const first = await uploadBrandingImage(db(), actor, "logo", png(120, 40, [1, 2, 3]));
    await uploadBrandingImage(db(), actor, "logo", png(120, 40, [4, 5, 6]));
    const assets = await db().$count(brandingAssets);
    const since = await lastAuditId();

    const again = await uploadBrandingImage(db(), actor, "logo", png(120, 40, [1, 2, 3]));

    expect(again.assetId).toBe(first.assetId);
    expect(await db().$count(brandingAssets)).toBe(assets);
    expect((await draft()).logoAssetId).toBe(first.assetId);
    const entries = await entriesAfter(since);
    expect(entries.map((e) => [e.action, e.tableName, e.message])).toEqual([
      [
        "UPDATE",
        "portal_branding",
        "Set the logo of portal branding Northbridge Customer Portal to an earlier upload (PNG, 120 × 40 px)",
      ],
    ]);
  });

  it("writes nothing when the image already is the draft's logo", async () => {
    await uploadBrandingImage(db(), actor, "logo", png(90, 30));
    const before = await state();
    const result = await uploadBrandingImage(db(), actor, "logo", png(90, 30));
    expect(result.assetId).toBe(before.draft.logoAssetId);
    expect(await state()).toEqual(before);
  });

  it("stores logo and favicon separately, each in its own draft field", async () => {
    const logo = await uploadBrandingImage(db(), actor, "logo", png(32, 32, [9, 9, 9]));
    const favicon = await uploadBrandingImage(db(), actor, "favicon", png(32, 32, [9, 9, 9]));
    expect(favicon.assetId).not.toBe(logo.assetId);
    expect(await draft()).toMatchObject({
      logoAssetId: logo.assetId,
      faviconAssetId: favicon.assetId,
    });
  });

  it("refuses a stale version and rolls back the image it stored", async () => {
    const before = await state();
    const err = await uploadBrandingImage(
      db(),
      actor,
      "favicon",
      png(48, 48, [7, 7, 7]),
      before.draft.version - 1,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StaleRecordError);
    expect(await state()).toEqual(before);
  });
});

describe("removeBrandingImage", () => {
  it("takes the image off the draft and keeps the stored file", async () => {
    const { assetId } = await uploadBrandingImage(db(), actor, "favicon", png(64, 64));
    const assets = await db().$count(brandingAssets);
    const since = await lastAuditId();

    await removeBrandingImage(db(), actor, "favicon", (await draft()).version);

    expect((await draft()).faviconAssetId).toBeNull();
    expect(await db().$count(brandingAssets)).toBe(assets);
    const entries = await entriesAfter(since);
    expect(entries.map((e) => [e.action, e.tableName, e.message])).toEqual([
      [
        "UPDATE",
        "portal_branding",
        "Removed the favicon from portal branding Northbridge Customer Portal",
      ],
    ]);
    expect(entries[0]!.before).toMatchObject({ faviconAssetId: assetId });
  });

  it("refuses when there is nothing to remove, writing nothing", async () => {
    if ((await draft()).faviconAssetId !== null) await removeBrandingImage(db(), actor, "favicon");
    const before = await state();
    const err = await removeBrandingImage(db(), actor, "favicon").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).message).toBe("The branding draft has no favicon to remove.");
    expect(await state()).toEqual(before);
  });
});
