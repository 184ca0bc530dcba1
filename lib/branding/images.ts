/**
 * The checks a logo or favicon passes before it is stored: its type read from its content (never
 * its name or declared type), its size in bytes and pixels, and SVG sanitised.
 */
import { imageSize } from "image-size";
import { AppError } from "@/lib/errors";
import { sha256Hex } from "./fields";
import {
  FAVICON_MAX_SIZE,
  FAVICON_MIN_SIZE,
  LOGO_MAX_HEIGHT,
  LOGO_MAX_WIDTH,
  tooLargeMessage,
  type BrandingImageKind,
} from "./image-limits";
import { parseSvgRoot, sanitizeSvg } from "./sanitize";
import { IMAGE_EXTENSIONS, type BrandingImageExt, type BrandingImageType } from "./urls";

export type { BrandingImageKind } from "./image-limits";

export type CheckedImage = {
  contentType: BrandingImageType;
  ext: BrandingImageExt;
  /** What to store and serve: the upload itself, or for SVG its sanitised form. */
  bytes: Uint8Array;
  width: number;
  height: number;
  sha256: string;
  /** Something unsafe was taken out of an SVG. */
  sanitised: boolean;
};

/** image-size's names for the raster types accepted; every other type it knows is refused. */
const RASTER_TYPES: Record<string, BrandingImageType> = {
  png: "image/png",
  jpg: "image/jpeg",
  webp: "image/webp",
};

/** Largest SVG size taken at face value; beyond it the declared size is surely a mistake. */
const SVG_MAX_DECLARED = 100_000;

export const TYPE_LABELS: Record<BrandingImageType, string> = {
  "image/png": "PNG",
  "image/jpeg": "JPEG",
  "image/webp": "WebP",
  "image/svg+xml": "SVG",
};

const refuse = (message: string) =>
  new AppError("Check the highlighted fields.", "invalid", { file: [message] });

/** Text that sets out to be an SVG document, so a parse failure deserves its own message. */
const LOOKS_LIKE_SVG = /^\uFEFF?\s*(?:<\?xml|<!DOCTYPE svg|<svg[\s>])/i;
const NOT_AN_IMAGE = "This file is not a PNG, JPEG, WebP or SVG image.";
const px = (w: number, h: number) => `${w} × ${h} px`;

/**
 * Checks an uploaded logo or favicon and returns what to store. Throws AppError with a `file`
 * field error saying what is wrong and what the limit is.
 */
export function checkBrandingImage(kind: BrandingImageKind, bytes: Uint8Array): CheckedImage {
  if (bytes.length === 0) throw refuse("The file is empty.");
  const tooLarge = tooLargeMessage(kind, bytes.length);
  if (tooLarge) throw refuse(tooLarge);
  const image = readRaster(bytes) ?? readSvg(bytes);
  checkDimensions(kind, image);
  return { ...image, ext: IMAGE_EXTENSIONS[image.contentType], sha256: sha256Hex(image.bytes) };
}

type ReadImage = Omit<CheckedImage, "ext" | "sha256">;

function readRaster(bytes: Uint8Array): ReadImage | null {
  let size: ReturnType<typeof imageSize>;
  try {
    size = imageSize(bytes);
  } catch {
    return null;
  }
  const contentType = RASTER_TYPES[size.type ?? ""];
  if (!contentType) return null;
  if (!(size.width > 0 && size.height > 0))
    throw refuse(`This ${TYPE_LABELS[contentType]} image has no size.`);
  // EXIF orientations 5–8 rotate a JPEG by 90°: the browser shows it with sides swapped.
  const turned = (size.orientation ?? 1) >= 5;
  return {
    contentType,
    bytes,
    width: turned ? size.height : size.width,
    height: turned ? size.width : size.height,
    sanitised: false,
  };
}

function readSvg(bytes: Uint8Array): ReadImage {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw refuse(NOT_AN_IMAGE);
  }
  const root = parseSvgRoot(text);
  if (!root) {
    throw refuse(
      LOOKS_LIKE_SVG.test(text)
        ? "This SVG could not be read: it is not well-formed XML with an <svg> root element."
        : NOT_AN_IMAGE,
    );
  }
  const size = svgSize(root);
  if (!size) {
    throw refuse(
      "This SVG has no usable size: give its <svg> element a width and height in px, or a viewBox.",
    );
  }
  const clean = sanitizeSvg(text);
  if (!clean.svg) throw refuse("This SVG could not be read after removing unsafe content.");
  return {
    contentType: "image/svg+xml",
    bytes: new TextEncoder().encode(clean.svg),
    ...size,
    sanitised: clean.removed,
  };
}

/** A length in user units (plain or px); anything relative (%, em) says nothing about size. */
function length(value: string | null): number | null {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)(?:px)?\s*$/.exec(value ?? "");
  return match ? Number(match[1]) : null;
}

function viewBox(value: string | null): { w: number; h: number } | null {
  const parts = (value ?? "")
    .trim()
    .split(/[\s,]+/)
    .map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n))) return null;
  const [, , w, h] = parts as [number, number, number, number];
  return w > 0 && h > 0 ? { w, h } : null;
}

/** The size an SVG renders at by default: width and height, or what its viewBox implies. */
function svgSize(root: Element): { width: number; height: number } | null {
  const w = length(root.getAttribute("width"));
  const h = length(root.getAttribute("height"));
  const box = viewBox(root.getAttribute("viewBox"));
  let size: [number, number] | null = null;
  if (w && h) size = [w, h];
  else if (box && w) size = [w, (w * box.h) / box.w];
  else if (box && h) size = [(h * box.w) / box.h, h];
  else if (box) size = [box.w, box.h];
  if (!size) return null;
  const [width, height] = size.map((n) => Math.max(1, Math.round(n))) as [number, number];
  return width <= SVG_MAX_DECLARED && height <= SVG_MAX_DECLARED ? { width, height } : null;
}

/**
 * Pixel limits apply to PNG, JPEG and WebP; an SVG scales to whatever box the portal gives it,
 * so only its proportions matter (a favicon must still be square).
 */
function checkDimensions(kind: BrandingImageKind, image: ReadImage) {
  const { width, height } = image;
  const vector = image.contentType === "image/svg+xml";
  if (kind === "logo") {
    if (!vector && (width > LOGO_MAX_WIDTH || height > LOGO_MAX_HEIGHT)) {
      throw refuse(
        `The logo is ${px(width, height)}; the limit is ${px(LOGO_MAX_WIDTH, LOGO_MAX_HEIGHT)}.`,
      );
    }
    return;
  }
  if (width !== height) {
    throw refuse(`A favicon must be square (this one is ${px(width, height)}).`);
  }
  if (!vector && (width < FAVICON_MIN_SIZE || width > FAVICON_MAX_SIZE)) {
    throw refuse(
      `A favicon must be between ${FAVICON_MIN_SIZE} × ${FAVICON_MIN_SIZE} and ` +
        `${px(FAVICON_MAX_SIZE, FAVICON_MAX_SIZE)} (this one is ${px(width, height)}).`,
    );
  }
}
