/**
 * The white-label story: the branding operator names and colours the portal, uploads a logo,
 * publishes, and later revises the CSS, footer and custom script, publishing each time.
 */
import { deflateSync } from "node:zlib";
import { BRANDING_FIELDS, sha256Hex } from "@/lib/branding/fields";
import { officeTime } from "./clock";
import type { SeedContext } from "./context";
import { DAY, MINUTE } from "./timeline";
import type { Patch } from "./writer";

const FOOTER_V1 =
  '<p>© Northbridge Voice Ltd · <a href="mailto:support@northbridge.example">support@northbridge.example</a></p>';
const FOOTER_V3 =
  '<p>© Northbridge Voice Ltd · <a href="https://status.northbridge.example">Network status</a> · ' +
  '<a href="mailto:support@northbridge.example">support@northbridge.example</a> · +44 20 7946 0000</p>';
const CSS_V2 = `.portal-header { letter-spacing: 0.02em; }
.portal-nav a[aria-current="page"] { border-bottom: 2px solid var(--brand-accent); }
table.cdr td.num { font-variant-numeric: tabular-nums; }`;
const JS_V3 = `// Maintenance notice shown above every portal page during planned work.
(function () {
  var until = "2099-01-01T00:00:00Z";
  if (Date.now() > Date.parse(until)) return;
  var note = document.createElement("div");
  note.className = "maintenance-note";
  note.textContent = "Planned maintenance on our London SBCs every Sunday 02:00-04:00 UTC.";
  document.body.prepend(note);
})();`;

export function planBranding(ctx: SeedContext): void {
  const { timeline, world } = ctx;
  const lena = world.staffUser("lena");
  const day = (d: number) =>
    officeTime(ctx.plan, timeline.start + d * DAY, timeline.start + (d + 1) * DAY, lena.utcOffset);
  const edit = (t: number, patch: Patch<"portal_branding">) =>
    timeline.at(t, async (at) => {
      await ctx.write.update(ctx.actors.staff(lena, at), "portal_branding", 1, patch);
    });
  let version = 0;
  const publish = (t: number) =>
    timeline.at(t, async (at) => {
      const draft = world.history.at("portal_branding", 1, at.getTime())!;
      const snapshot = Object.fromEntries(BRANDING_FIELDS.map((f) => [f, draft[f] ?? null]));
      await ctx.write.create(
        ctx.actors.staff(lena, at),
        "branding_versions",
        {
          brandingId: 1,
          versionNo: ++version,
          snapshot,
          publishedByUserId: lena.id,
          publishedAt: at,
        },
        { action: "PUBLISH" },
      );
    });

  const first = day(3);
  edit(first, {
    portalName: "Northbridge Customer Portal",
    supportEmail: "support@northbridge.example",
  });
  edit(first + 12 * MINUTE, { primaryColor: "#0b5394", accentColor: "#f59e0b" });
  timeline.at(first + 25 * MINUTE, async (at) => {
    const bytes = logoPng(240, 64, [0x0b, 0x53, 0x94], [0xf5, 0x9e, 0x0b]);
    const asset = await ctx.write.create(ctx.actors.staff(lena, at), "branding_assets", {
      kind: "logo",
      contentType: "image/png",
      sha256: sha256Hex(bytes),
      bytes,
      width: 240,
      height: 64,
    });
    await ctx.write.update(
      ctx.actors.staff(lena, new Date(at.getTime() + 40_000)),
      "portal_branding",
      1,
      {
        logoAssetId: asset.id,
      },
    );
  });
  edit(first + 50 * MINUTE, { footerHtml: FOOTER_V1 });
  publish(day(4));

  const second = day(31);
  edit(second, { customCss: CSS_V2 });
  edit(second + 18 * MINUTE, { accentColor: "#ea580c" });
  publish(day(32));

  const third = day(62);
  edit(third, { customJs: JS_V3 });
  edit(third + 25 * MINUTE, { footerHtml: FOOTER_V3 });
  publish(day(63));
}

/** A small PNG: a coloured band with an accent square, enough to stand in for a logo. */
function logoPng(width: number, height: number, band: number[], accent: number[]): Uint8Array {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const inSquare = x >= 12 && x < 52 && y >= 12 && y < 52;
      const [r, g, b] = inSquare ? accent : band;
      raw.set([r!, g!, b!], row + 1 + x * 3);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
