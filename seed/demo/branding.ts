/**
 * The white-label story: the branding operator names and colours the portal, uploads a logo,
 * publishes, and later revises the CSS, footer and custom script, publishing each time.
 */
import { publishedBrandingMessage } from "@/lib/branding/draft";
import {
  BRANDING_FIELDS,
  changedBrandingFields,
  sha256Hex,
  snapshotOf,
  type BrandingSnapshot,
} from "@/lib/branding/fields";
import { brandingAssetMessage, draftImageMessage } from "@/lib/branding/upload";
import { officeTime } from "./clock";
import type { SeedContext } from "./context";
import { encodePng } from "./png";
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
  // Custom JavaScript needs its own permission (admins only): Ada writes it, Lena the rest.
  const ada = world.staffUser("ada");
  const edit = (t: number, patch: Patch<"portal_branding">, author = lena) =>
    timeline.at(t, async (at) => {
      await ctx.write.update(ctx.actors.staff(author, at), "portal_branding", 1, patch);
    });
  let version = 0;
  let published: BrandingSnapshot | null = null;
  const publish = (t: number) =>
    timeline.at(t, async (at) => {
      const draft = world.history.at("portal_branding", 1, at.getTime())!;
      const snapshot = Object.fromEntries(BRANDING_FIELDS.map((f) => [f, draft[f] ?? null]));
      // publishDraft (lib/branding) names the fields changed since the last version.
      const changed = published ? changedBrandingFields(published, snapshotOf(snapshot)) : [];
      published = snapshotOf(snapshot);
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
        { action: "PUBLISH", message: (_b, a) => publishedBrandingMessage(a!.versionNo, changed) },
      );
    });

  const first = day(3);
  edit(first, {
    portalName: "Northbridge Customer Portal",
    supportEmail: "support@northbridge.example",
  });
  edit(first + 12 * MINUTE, { primaryColor: "#0b5394", accentColor: "#f59e0b" });
  timeline.at(first + 25 * MINUTE, async (at) => {
    // A band in the primary colour with an accent square: enough to stand in for a logo.
    const bytes = encodePng(240, 64, (x, y) =>
      x >= 12 && x < 52 && y >= 12 && y < 52 ? [0xf5, 0x9e, 0x0b] : [0x0b, 0x53, 0x94],
    );
    // uploadBrandingImage (lib/branding): the asset, then the draft pointing at it.
    const image = { contentType: "image/png" as const, width: 240, height: 64 };
    const sha256 = sha256Hex(bytes);
    const asset = await ctx.write.create(
      ctx.actors.staff(lena, at),
      "branding_assets",
      { kind: "logo", sha256, bytes, ...image },
      {
        message: (_b, a) =>
          brandingAssetMessage("logo", a!.id, {
            ...image,
            sha256,
            byteLength: bytes.byteLength,
            sanitised: false,
          }),
      },
    );
    await ctx.write.update(
      ctx.actors.staff(lena, new Date(at.getTime() + 40_000)),
      "portal_branding",
      1,
      { logoAssetId: asset.id },
      { message: (_b, a) => draftImageMessage("logo", a!.portalName, image, false) },
    );
  });
  edit(first + 50 * MINUTE, { footerHtml: FOOTER_V1 });
  publish(day(4));

  const second = day(31);
  edit(second, { customCss: CSS_V2 });
  edit(second + 18 * MINUTE, { accentColor: "#ea580c" });
  publish(day(32));

  const third = day(62);
  edit(third, { customJs: JS_V3 }, ada);
  edit(third + 25 * MINUTE, { footerHtml: FOOTER_V3 });
  publish(day(63));
}
