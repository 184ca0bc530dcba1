import { encodePng } from "@/seed/demo/png";

/** Small, valid images built in memory for the branding upload and serving tests. */

/** A complete PNG of one flat colour. */
export const png = (width: number, height: number, rgb: [number, number, number] = [11, 83, 148]) =>
  encodePng(width, height, () => rgb);

/** A JPEG header as far as its dimensions: SOI, a JFIF APP0 segment, SOF0, EOI. */
export function jpeg(width: number, height: number) {
  const app0 = [0xff, 0xe0, 0x00, 0x10, ...Buffer.from("JFIF\0"), 1, 1, 0, 0, 1, 0, 1, 0, 0];
  const sof0 = [0xff, 0xc0, 0x00, 0x11, 8, height >> 8, height & 0xff, width >> 8, width & 0xff];
  const components = [3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
  return new Uint8Array([0xff, 0xd8, ...app0, ...sof0, ...components, 0xff, 0xd9]);
}

/** An extended-format (VP8X) WebP header carrying the canvas size. */
export function webp(width: number, height: number) {
  const bytes = Buffer.alloc(30);
  bytes.write("RIFF", 0, "ascii");
  bytes.writeUInt32LE(22, 4);
  bytes.write("WEBPVP8X", 8, "ascii");
  bytes.writeUInt32LE(10, 16);
  bytes.writeUIntLE(width - 1, 24, 3);
  bytes.writeUIntLE(height - 1, 27, 3);
  return new Uint8Array(bytes);
}

export const text = (content: string) => new TextEncoder().encode(content);
