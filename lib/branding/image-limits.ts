/**
 * Upload limits for the logo and favicon, and the wording of a size refusal. Browser-safe: the
 * upload form checks the size before sending (a file over the request limit would never reach
 * the server's check), with the same message the server gives.
 */
export type BrandingImageKind = "logo" | "favicon";

const KB = 1024;
const LOGO_MAX_BYTES = 512 * KB;
export const LOGO_MAX_WIDTH = 1200;
export const LOGO_MAX_HEIGHT = 600;
const FAVICON_MAX_BYTES = 100 * KB;
export const FAVICON_MIN_SIZE = 16;
export const FAVICON_MAX_SIZE = 512;

const MAX_BYTES: Record<BrandingImageKind, number> = {
  logo: LOGO_MAX_BYTES,
  favicon: FAVICON_MAX_BYTES,
};

// Rounded up, so a file a few bytes over the limit does not read as "512 KB; the limit is 512 KB".
export const kb = (bytes: number) => `${Math.ceil(bytes / KB)} KB`;

/** The refusal for a file over its kind's limit, or null when it fits. */
export function tooLargeMessage(kind: BrandingImageKind, bytes: number): string | null {
  const max = MAX_BYTES[kind];
  return bytes > max ? `The ${kind} is ${kb(bytes)}; the limit is ${kb(max)}.` : null;
}
