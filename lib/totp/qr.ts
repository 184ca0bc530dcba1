import QRCode from "qrcode";

/**
 * The QR code of an otpauth:// URI as one SVG path (dark modules as unit squares), drawn on the
 * server: the secret never goes to a third-party image service, and no script or data: image is
 * needed under the page's content security policy.
 */
export function qrPath(text: string): { size: number; d: string } {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
  const parts: string[] = [];
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (modules.get(row, col)) parts.push(`M${col} ${row}h1v1h-1z`);
    }
  }
  return { size: modules.size, d: parts.join("") };
}
