/**
 * The text colour to put on a brand colour: white or near-black, whichever has the higher WCAG
 * contrast against it, so a pale primary colour still gets readable buttons.
 */
export function readableTextOn(hex: string): "#ffffff" | "#111827" {
  const luminance = relativeLuminance(hex);
  const onWhite = 1.05 / (luminance + 0.05);
  const onDark = (luminance + 0.05) / (relativeLuminance("#111827") + 0.05);
  return onWhite >= onDark ? "#ffffff" : "#111827";
}

function relativeLuminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** `#rrggbb`, the only colour form branding stores (validated on save, checked again here). */
export const HEX_COLOR = /^#[0-9a-f]{6}$/i;
