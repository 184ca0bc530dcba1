/**
 * Serves branding images and custom CSS/JS by content hash. The name is the content's SHA-256,
 * so a response never changes and is cached for good; anything not found by its hash is a 404.
 */
import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { brandingAssets, brandingVersions, portalBranding } from "@/db/schema";
import { customCodeFile } from "./code-url";
import { BRANDING_ID } from "./fields";
import { IMAGE_EXTENSIONS, type BrandingImageType } from "./urls";

const IMAGE_FILE = /^([0-9a-f]{64})\.(png|jpg|webp|svg)$/;
const CODE_FILE = /^([0-9a-f]{64})\.(css|js)$/;

const TYPE_OF_EXT = Object.fromEntries(
  Object.entries(IMAGE_EXTENSIONS).map(([type, ext]) => [ext, type]),
) as Record<string, BrandingImageType>;

const CODE_TYPES = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
} as const;

const CODE_FIELDS = { css: "customCss", js: "customJs" } as const;

/** An uploaded SVG, opened on its own, may do nothing but draw itself. */
const SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

function notFound(): Response {
  return new Response("Not found", {
    status: 404,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}

/** True when the request's If-None-Match names this ETag (or "*"), weak or strong. */
function matches(request: Request | undefined, etag: string): boolean {
  const header = request?.headers.get("if-none-match");
  if (!header) return false;
  return header
    .split(",")
    .map((tag) => tag.trim().replace(/^W\//, ""))
    .some((tag) => tag === etag || tag === "*");
}

function immutable(
  request: Request | undefined,
  sha256: string,
  contentType: string,
  body: Uint8Array | string,
  extra: Record<string, string> = {},
): Response {
  const etag = `"${sha256}"`;
  const headers: Record<string, string> = {
    "Cache-Control": "public, max-age=31536000, immutable",
    ETag: etag,
    "X-Content-Type-Options": "nosniff",
    ...extra,
  };
  if (matches(request, etag)) return new Response(null, { status: 304, headers });
  // A fresh ArrayBuffer-backed copy: Response wants a BufferSource, not a view on shared memory.
  const payload = typeof body === "string" ? body : new Uint8Array(body);
  return new Response(payload, {
    status: 200,
    headers: { ...headers, "Content-Type": contentType },
  });
}

/** GET /portal-assets/images/<sha256>.<ext>: an uploaded logo or favicon. */
export async function serveBrandingImage(
  db: DbOrTx,
  file: string,
  request?: Request,
): Promise<Response> {
  const match = IMAGE_FILE.exec(file);
  if (!match) return notFound();
  const [, sha256, ext] = match as unknown as [string, string, string];
  const contentType = TYPE_OF_EXT[ext]!;
  const [asset] = await db
    .select({ bytes: brandingAssets.bytes })
    .from(brandingAssets)
    .where(and(eq(brandingAssets.sha256, sha256), eq(brandingAssets.contentType, contentType)))
    .limit(1);
  if (!asset) return notFound();
  return immutable(
    request,
    sha256,
    contentType,
    asset.bytes,
    contentType === "image/svg+xml" ? { "Content-Security-Policy": SVG_POLICY } : {},
  );
}

type CodeKind = "css" | "js";
type CodeIndex = { latestVersion: number; byFile: Map<string, string> };

/**
 * Published custom code by file name (`<sha256>.<kind>`), per database. Versions are only ever
 * added, so the index is rebuilt only when a newer one exists: a request for an unknown hash
 * costs one indexed max(), never a hash of every version.
 */
const publishedIndexes = new WeakMap<DbOrTx, CodeIndex>();

async function publishedCode(db: DbOrTx): Promise<Map<string, string>> {
  const [{ latest } = { latest: 0 }] = await db
    .select({ latest: sql<number>`coalesce(max(${brandingVersions.versionNo}), 0)::int` })
    .from(brandingVersions);
  const cached = publishedIndexes.get(db);
  if (cached?.latestVersion === latest) return cached.byFile;
  const rows = await db
    .select({
      css: sql<string | null>`${brandingVersions.snapshot}->>'customCss'`,
      js: sql<string | null>`${brandingVersions.snapshot}->>'customJs'`,
    })
    .from(brandingVersions);
  const byFile = new Map<string, string>();
  for (const row of rows) {
    for (const kind of ["css", "js"] as const) {
      const name = customCodeFile(kind, row[kind]);
      if (name) byFile.set(name, row[kind]!);
    }
  }
  publishedIndexes.set(db, { latestVersion: latest, byFile });
  return byFile;
}

/**
 * GET /portal-assets/custom/<sha256>.css|js. Any published version's code is public and cached
 * for good (old versions stay reachable, so a cached page still finds its code). The draft's
 * code is unpublished work: only when `mayPreviewDraft` says the requester edits branding, and
 * never stored by a cache.
 */
export async function serveCustomCode(
  db: DbOrTx,
  file: string,
  request?: Request,
  mayPreviewDraft: () => Promise<boolean> = async () => false,
): Promise<Response> {
  const match = CODE_FILE.exec(file);
  if (!match) return notFound();
  const [, sha256, kind] = match as unknown as [string, string, CodeKind];
  const published = (await publishedCode(db)).get(file);
  if (published !== undefined) return immutable(request, sha256, CODE_TYPES[kind], published);

  if (!(await mayPreviewDraft())) return notFound();
  const field = CODE_FIELDS[kind];
  const [draft] = await db
    .select({ content: portalBranding[field] })
    .from(portalBranding)
    .where(eq(portalBranding.id, BRANDING_ID));
  const content = draft?.content ?? null;
  if (!content || customCodeFile(kind, content) !== file) return notFound();
  return new Response(content, {
    headers: {
      "Content-Type": CODE_TYPES[kind],
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
