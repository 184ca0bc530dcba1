"use client";

import dynamic from "next/dynamic";

// The diff viewer is large and browser-only: loaded with the compare view, not the bundle.
const ReactDiffViewer = dynamic(() => import("react-diff-viewer-continued"), {
  ssr: false,
  loading: () => <p className="text-sm text-slate-500">Loading diff…</p>,
});

export type FieldDiff = { field: string; label: string; before: string; after: string };

/** One diff per changed branding field, line by line (CSS, JavaScript and footer are code). */
export function VersionDiff({
  fromTitle,
  toTitle,
  fields,
}: {
  fromTitle: string;
  toTitle: string;
  fields: FieldDiff[];
}) {
  return (
    <div className="space-y-6" data-testid="version-diff">
      {fields.map((f) => (
        <section key={f.field} data-testid={`diff-${f.field}`}>
          <h3 className="mb-2 text-sm font-semibold first-letter:uppercase">{f.label}</h3>
          <div className="overflow-x-auto rounded border border-slate-200 text-xs">
            <ReactDiffViewer
              oldValue={f.before}
              newValue={f.after}
              leftTitle={fromTitle}
              rightTitle={toTitle}
              splitView
              showDiffOnly
              extraLinesSurroundingDiff={3}
              useDarkTheme={false}
            />
          </div>
        </section>
      ))}
    </div>
  );
}
