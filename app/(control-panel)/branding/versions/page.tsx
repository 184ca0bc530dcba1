import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { ConfirmAction } from "@/components/branding/confirm-action";
import { VersionDiff, type FieldDiff } from "@/components/branding/version-diff";
import { getDb } from "@/db/client";
import { requirePermission } from "@/lib/auth/session";
import {
  changedBrandingFields,
  snapshotOf,
  type BrandingField,
  type BrandingSnapshot,
} from "@/lib/branding/fields";
import { getDraft, listVersions, type VersionListRow } from "@/lib/branding/queries";
import { fieldLabel } from "@/lib/audit/messages";
import { describeBrandingFields } from "@/lib/branding/schemas";
import { restoreVersionAction } from "../actions";
import { compareParams, type VersionRef } from "./search-params";

export const metadata: Metadata = { title: "Branding versions" };

const formatWhen = (at: Date, timeZone: string) =>
  at.toLocaleString("en-GB", { timeZone, dateStyle: "medium", timeStyle: "short" });

/** A field's value as diff text: images by asset id, an unset value as empty. */
function asText(snapshot: BrandingSnapshot, field: BrandingField): string {
  const value = snapshot[field];
  if (value === null || value === "") return "";
  if (typeof value === "boolean") return value ? "shown" : "hidden";
  if (field === "logoAssetId" || field === "faviconAssetId") return `image #${String(value)}`;
  return String(value);
}

export default async function BrandingVersionsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await connection();
  const user = await requirePermission("branding:manage");
  const db = await getDb();
  const [versions, draft] = await Promise.all([listVersions(db), getDraft(db)]);
  const draftVersion = draft?.version ?? 0;
  const params = compareParams(await searchParams);

  return (
    <div className="space-y-8">
      <header className="space-y-1">
        <Link href="/branding" className="text-sm text-brand underline">
          ← Branding
        </Link>
        <h1 className="text-xl font-semibold">Branding versions</h1>
        <p className="text-sm text-slate-600">
          Every published branding, newest first. Restoring copies a version into the draft; the
          portal changes only when the draft is published again.
        </p>
      </header>

      <table data-testid="versions-table" className="w-full text-left text-sm">
        <thead className="border-b border-slate-200 text-slate-600">
          <tr>
            <th className="py-2 pr-3">Version</th>
            <th className="py-2 pr-3">Published</th>
            <th className="py-2 pr-3">By</th>
            <th className="py-2 pr-3">Changes</th>
            <th className="py-2 pr-3">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {versions.map((v, i) => {
            const previous = versions[i + 1];
            const changes = previous
              ? changedBrandingFields(snapshotOf(previous.snapshot), snapshotOf(v.snapshot))
              : null;
            return (
              <tr key={v.id} className="align-top">
                <td className="py-2 pr-3 font-medium tabular-nums">v{v.versionNo}</td>
                <td className="py-2 pr-3 whitespace-nowrap">
                  <time dateTime={v.publishedAt.toISOString()}>
                    {formatWhen(v.publishedAt, user.timeZone)}
                  </time>
                </td>
                <td className="py-2 pr-3">{v.publisherName ?? "—"}</td>
                <td className="py-2 pr-3">
                  {changes === null
                    ? "First version"
                    : changes.length === 0
                      ? "No changes"
                      : describeBrandingFields(changes)}
                </td>
                <td className="py-2 pr-3">
                  <ConfirmAction
                    action={restoreVersionAction}
                    fields={{ versionId: String(v.id), version: String(draftVersion) }}
                    trigger="Restore into draft"
                    title={`Restore v${v.versionNo} into the draft?`}
                    description={`The draft's fields are replaced with those of v${v.versionNo}. Portal users see nothing until the draft is published.`}
                    confirmLabel={`Restore v${v.versionNo}`}
                    testId={`restore-v${v.versionNo}`}
                  />
                </td>
              </tr>
            );
          })}
          {versions.length === 0 ? (
            <tr>
              <td colSpan={5} className="py-6 text-center text-slate-500">
                Nothing has been published yet.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>

      <Compare versions={versions} from={params.from} to={params.to} />
    </div>
  );
}

/** Resolves a URL reference to a version, or says what is wrong with it. */
function resolve(
  ref: VersionRef,
  fallback: VersionListRow | undefined,
  versions: VersionListRow[],
  which: "From" | "To",
): { version: VersionListRow | undefined; error: string | null } {
  if (ref.kind === "default") return { version: fallback, error: null };
  if (ref.kind === "invalid") {
    return { version: undefined, error: `${which}: "${ref.raw}" is not a version id.` };
  }
  const version = versions.find((v) => v.id === ref.id);
  return version
    ? { version, error: null }
    : { version: undefined, error: `${which}: there is no version with id ${ref.id}.` };
}

function Compare({
  versions,
  from,
  to,
}: {
  versions: VersionListRow[];
  from: VersionRef;
  to: VersionRef;
}) {
  const a = resolve(from, versions[1] ?? versions[0], versions, "From");
  const b = resolve(to, versions[0], versions, "To");
  const errors = [a.error, b.error].filter((e): e is string => e !== null);
  const options = versions.map((v) => ({ value: String(v.id), label: `v${v.versionNo}` }));
  let body: React.ReactNode = null;
  if (errors.length > 0) {
    body = (
      <div
        role="alert"
        data-testid="compare-error"
        className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700"
      >
        {errors.map((e) => (
          <p key={e}>{e}</p>
        ))}
        <p>Choose two versions from the lists.</p>
      </div>
    );
  } else if (a.version && b.version) {
    const before = snapshotOf(a.version.snapshot);
    const after = snapshotOf(b.version.snapshot);
    const changed = changedBrandingFields(before, after);
    const fromTitle = `v${a.version.versionNo}`;
    const toTitle = `v${b.version.versionNo}`;
    const fields: FieldDiff[] = changed.map((f) => ({
      field: f,
      label: fieldLabel(f),
      before: asText(before, f),
      after: asText(after, f),
    }));
    body =
      changed.length === 0 ? (
        <p data-testid="compare-summary" className="text-sm text-slate-600">
          {a.version.id === b.version.id
            ? `Both sides are ${fromTitle}: choose two different versions.`
            : `${fromTitle} and ${toTitle} are the same.`}
        </p>
      ) : (
        <div className="space-y-4">
          <p data-testid="compare-summary" className="text-sm">
            Changed from {fromTitle} to {toTitle}: {describeBrandingFields(changed)}
          </p>
          <VersionDiff fromTitle={fromTitle} toTitle={toTitle} fields={fields} />
        </div>
      );
  }

  return (
    <section className="space-y-4">
      <h2 className="font-semibold">Compare versions</h2>
      {versions.length === 0 ? (
        <p className="text-sm text-slate-500">Publish a version to compare.</p>
      ) : (
        <form method="get" action="/branding/versions" className="flex flex-wrap items-end gap-3">
          <VersionSelect name="from" label="From" options={options} selected={a.version?.id} />
          <VersionSelect name="to" label="To" options={options} selected={b.version?.id} />
          <button
            type="submit"
            className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium hover:bg-slate-50"
          >
            Compare
          </button>
        </form>
      )}
      {body}
    </section>
  );
}

const selectClass =
  "mt-1 block rounded-md border border-slate-300 px-3 py-2 shadow-sm focus:border-brand focus:ring-2 focus:ring-brand/30 focus:outline-none";

function VersionSelect({
  name,
  label,
  options,
  selected,
}: {
  name: string;
  label: string;
  options: { value: string; label: string }[];
  selected: number | undefined;
}) {
  return (
    <div>
      <label htmlFor={`compare-${name}`} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <select
        id={`compare-${name}`}
        name={name}
        defaultValue={selected === undefined ? undefined : String(selected)}
        className={selectClass}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
