import Link from "next/link";
import { formatCdrValue } from "@/lib/cdrs/format";
import type { CdrNames, CdrRow } from "@/lib/cdrs/queries";
import type { CdrViewerPolicy } from "@/lib/cdrs/viewer-policy";

/** One call record: the viewer's visible fields, in their order and under their labels. */
export function CdrRecord({
  policy,
  row,
  names,
  backHref,
}: {
  policy: CdrViewerPolicy;
  row: CdrRow;
  names: CdrNames;
  backHref: string;
}) {
  const { timeZone } = policy.viewer;
  return (
    <section className="max-w-3xl space-y-4">
      <header>
        <Link href={backHref} className="text-sm text-brand underline">
          ← CDRs
        </Link>
        <h1 className="mt-1 text-xl font-semibold">Call record</h1>
        <p className="text-xs text-slate-600">Times in {timeZone}.</p>
      </header>
      <dl
        data-testid="cdr-record"
        className="grid grid-cols-1 gap-x-6 gap-y-2 rounded-lg border border-slate-200 bg-white p-4 text-sm sm:grid-cols-[max-content_1fr]"
      >
        {policy.fields.visible.map((key) => (
          <div key={key} className="contents" data-field={key}>
            <dt className="font-medium text-slate-600">{policy.fields.labels[key] ?? key}</dt>
            <dd className="break-all">
              {formatCdrValue(key, row.values[key], { timeZone, names })}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
