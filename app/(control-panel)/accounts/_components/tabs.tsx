import Link from "next/link";

/** Server-rendered tabs: the active tab lives in the URL (`?tab=`), so links and reloads keep it. */
export function Tabs({
  base,
  active,
  tabs,
}: {
  base: string;
  active: string;
  tabs: readonly { key: string; label: string }[];
}) {
  return (
    <nav className="flex gap-1 border-b border-slate-200" aria-label="Sections">
      {tabs.map((t) => (
        <Link
          key={t.key}
          href={`${base}?tab=${t.key}`}
          aria-current={t.key === active ? "page" : undefined}
          className={`-mb-px border-b-2 px-3 py-2 text-sm ${
            t.key === active
              ? "border-brand font-medium text-brand"
              : "border-transparent text-slate-600 hover:text-slate-900"
          }`}
        >
          {t.label}
        </Link>
      ))}
    </nav>
  );
}

/** Label/value pairs for read-only views (auditors get these instead of forms). */
export function Facts({ items }: { items: readonly [string, React.ReactNode][] }) {
  return (
    <dl className="grid max-w-3xl grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-2">
      {items.map(([label, value]) => (
        <div key={label}>
          <dt className="text-slate-500">{label}</dt>
          <dd className="font-medium whitespace-pre-wrap">
            {value === null || value === "" ? "—" : value}
          </dd>
        </div>
      ))}
    </dl>
  );
}
