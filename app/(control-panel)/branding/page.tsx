import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { RecordHistory } from "@/app/(control-panel)/_components/record-history";
import { ConfirmAction } from "@/components/branding/confirm-action";
import { DraftForm } from "@/components/branding/draft-form";
import { ImageForm } from "@/components/branding/image-form";
import { getDb } from "@/db/client";
import { BRANDING_TABLES } from "@/lib/audit/table-names";
import { can } from "@/lib/auth/permissions";
import { requirePermission } from "@/lib/auth/session";
import { draftStatus, draftStatusText } from "@/lib/branding/draft";
import { snapshotOf } from "@/lib/branding/fields";
import {
  draftFormValues,
  findAssetInfo,
  getDraft,
  latestPublished,
  type BrandingAssetInfo,
} from "@/lib/branding/queries";
import { describeBrandingFields } from "@/lib/branding/schemas";
import { IMAGE_EXTENSIONS, imageUrl } from "@/lib/branding/urls";
import { publishAction, removeImageAction, saveDraftAction, uploadImageAction } from "./actions";
import { getAuditPolicy } from "@/lib/visibility/current-policy";

export const metadata: Metadata = { title: "Branding" };

const ACCEPT = Object.keys(IMAGE_EXTENSIONS).join(",");

const imageOf = (asset: BrandingAssetInfo | null) =>
  asset && {
    url: imageUrl(asset.sha256, asset.contentType),
    width: asset.width,
    height: asset.height,
  };

export default async function BrandingPage() {
  await connection();
  const user = await requirePermission("branding:manage");
  const db = await getDb();
  const [draft, latest] = await Promise.all([getDraft(db), latestPublished(db)]);
  if (!draft) {
    return (
      <div className="space-y-2">
        <h1 className="text-xl font-semibold">Branding</h1>
        <p className="text-sm text-red-700">
          The branding draft does not exist yet: the database has not been bootstrapped.
        </p>
      </div>
    );
  }
  const assets = await findAssetInfo(db, [draft.logoAssetId, draft.faviconAssetId]);
  const infoOf = (id: number | null) => (id === null ? null : (assets.get(id) ?? null));
  const logo = infoOf(draft.logoAssetId);
  const favicon = infoOf(draft.faviconAssetId);
  const status = draftStatus(snapshotOf(draft), latest);
  const nextNo = (latest?.versionNo ?? 0) + 1;
  // Whether this viewer may read the record's history at all.
  const policy = await getAuditPolicy();

  return (
    <div className="space-y-8">
      <header className="flex flex-wrap items-start justify-between gap-4">
        <div className="space-y-1">
          <h1 className="text-xl font-semibold">Branding</h1>
          <p className="text-sm text-slate-600">
            The Customer Portal&apos;s white-label branding. Changes are saved to a draft; portal
            users see the latest published version.
          </p>
          <p
            data-testid="branding-status"
            className={`text-sm font-medium ${status.kind === "matches" ? "text-green-800" : "text-amber-800"}`}
          >
            {draftStatusText(status)}
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <a
            href="/branding-preview"
            target="_blank"
            rel="noopener"
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50"
          >
            Preview
          </a>
          <Link href="/branding/versions" className="text-sm text-brand underline">
            Versions
          </Link>
          <ConfirmAction
            action={publishAction}
            fields={{ version: String(draft.version) }}
            trigger="Publish"
            title={`Publish the draft as v${nextNo}?`}
            description={
              status.kind === "changed"
                ? `The saved draft goes live for every portal user at once (unsaved edits in the form below are not included). Changes since v${status.versionNo}: ${describeBrandingFields(status.fields)}.`
                : "The saved draft goes live for every portal user at once (unsaved edits in the form below are not included)."
            }
            confirmLabel={`Publish v${nextNo}`}
            testId="branding-publish"
          />
        </div>
      </header>

      <div className="grid grid-cols-1 gap-8 xl:grid-cols-2">
        <section className="min-w-0 space-y-3" data-testid="branding-draft">
          <h2 className="font-semibold">Draft</h2>
          <DraftForm
            action={saveDraftAction}
            values={draftFormValues(draft)}
            customJsEditable={can(user.role, "branding:custom-js")}
          />
        </section>
        <section className="min-w-0 space-y-3" aria-labelledby="branding-preview-heading">
          <h2 id="branding-preview-heading" className="font-semibold">
            Preview of the saved draft
          </h2>
          {/* Keyed on the draft's version: each save loads the preview afresh. The preview page
              never runs the draft's script (app/branding-preview). */}
          <iframe
            key={draft.version}
            src="/branding-preview"
            title={`Preview of the saved branding draft, version ${draft.version}`}
            data-testid="branding-preview-frame"
            data-version={draft.version}
            className="h-[48rem] w-full rounded-md border border-slate-300 bg-white"
          />
        </section>
      </div>

      <section className="space-y-3">
        <h2 className="font-semibold">Logo and favicon</h2>
        <p className="text-sm text-slate-600">
          Uploads change the draft straight away; publish to show them in the portal.
        </p>
        <div className="grid max-w-4xl grid-cols-1 gap-4 sm:grid-cols-2">
          <ImageForm
            kind="logo"
            label="Logo"
            current={imageOf(logo)}
            accept={ACCEPT}
            hint="PNG, JPEG, WebP or SVG; size and dimensions are checked on upload."
            uploadAction={uploadImageAction}
            removeAction={removeImageAction}
          />
          <ImageForm
            kind="favicon"
            label="Favicon"
            current={imageOf(favicon)}
            accept={ACCEPT}
            hint="A small square image, e.g. a 32×32 PNG."
            uploadAction={uploadImageAction}
            removeAction={removeImageAction}
          />
        </div>
      </section>

      {policy ? (
        <section className="space-y-3">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h2 className="font-semibold">History of the draft</h2>
            <Link
              href={`/audit-log?table=${BRANDING_TABLES.join(",")}`}
              className="text-sm text-brand underline"
            >
              Every branding change, publishes and uploads included
            </Link>
          </div>
          <RecordHistory table="portal_branding" recordPk={1} />
        </section>
      ) : null}
    </div>
  );
}
