/**
 * Where the portal loads branding files from. Browser-safe: the names are content hashes, so the
 * URLs change whenever the content does and can be cached for good.
 */

/** The image types branding accepts, and the extension each is served under. */
export const IMAGE_EXTENSIONS = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/webp": "webp",
  "image/svg+xml": "svg",
} as const;

export type BrandingImageType = keyof typeof IMAGE_EXTENSIONS;
export type BrandingImageExt = (typeof IMAGE_EXTENSIONS)[BrandingImageType];

function isBrandingImageType(contentType: string): contentType is BrandingImageType {
  return Object.hasOwn(IMAGE_EXTENSIONS, contentType);
}

export function imageUrl(sha256: string, contentType: string): string {
  if (!isBrandingImageType(contentType)) {
    throw new Error(`not a branding image type: ${contentType}`);
  }
  return `/portal-assets/images/${sha256}.${IMAGE_EXTENSIONS[contentType]}`;
}

export function customCodeUrl(kind: "css" | "js", sha256: string): string {
  return `/portal-assets/custom/${sha256}.${kind}`;
}
