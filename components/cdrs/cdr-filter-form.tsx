import Link from "next/link";
import type { CdrFieldKey } from "@/lib/cdrs/fields";
import type { CdrPageParams } from "@/lib/cdrs/page-params";
import type { CdrFilterOptions } from "@/lib/cdrs/queries";
import type { CdrViewerPolicy } from "@/lib/cdrs/viewer-policy";

const inputClass =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm shadow-sm focus:border-brand focus:ring-2 focus:ring-brand/30 focus:outline-none";

const idOf = (name: string) => `cdr-filter-${name}`;

/** A label tied to its control by id (wrapping a select would make its options part of the name). */
function Labelled({
  label,
  name,
  children,
}: {
  label: string;
  name: string;
  children: React.ReactNode;
}) {
  return (
    <div>
      <label htmlFor={idOf(name)} className="block text-xs font-medium text-slate-700">
        {label}
      </label>
      {children}
    </div>
  );
}

function Select({
  name,
  value,
  all,
  options,
}: {
  name: string;
  value: number | undefined;
  all: string;
  options: { id: number; name: string }[];
}) {
  return (
    <select
      id={idOf(name)}
      name={name}
      defaultValue={value ? String(value) : ""}
      className={inputClass}
    >
      <option value="">{all}</option>
      {options.map((o) => (
        <option key={o.id} value={o.id}>
          {o.name}
        </option>
      ))}
    </select>
  );
}

/**
 * The CDR filters as a plain GET form (works without JavaScript). Only filters on fields the
 * viewer is allowed are offered; the query refuses the others anyway.
 */
export function CdrFilterForm({
  policy,
  basePath,
  params,
  destField,
  options,
}: {
  policy: CdrViewerPolicy;
  basePath: string;
  params: CdrPageParams;
  destField: CdrFieldKey;
  options: CdrFilterOptions;
}) {
  const allowed = (key: CdrFieldKey) => policy.fields.allowed.includes(key);
  const label = (key: CdrFieldKey) => policy.fields.labels[key] ?? key;
  const staff = policy.scope.kind === "all";
  const numbers = (["source_cli", "source_dest_number", "dest_cli", "dest_number"] as const).some(
    allowed,
  );
  return (
    <form
      method="get"
      action={basePath}
      aria-label="CDR filters"
      className="grid grid-cols-2 gap-3 rounded-lg border border-slate-200 bg-white p-3 sm:grid-cols-4 lg:grid-cols-6"
    >
      <Labelled label="From" name="from">
        <input
          type="datetime-local"
          id={idOf("from")}
          name="from"
          required
          defaultValue={params.from}
          className={inputClass}
        />
      </Labelled>
      <Labelled label="To" name="to">
        <input
          type="datetime-local"
          id={idOf("to")}
          name="to"
          required
          defaultValue={params.to}
          className={inputClass}
        />
      </Labelled>
      {staff && allowed("customer_id") ? (
        <Labelled label={label("customer_id")} name="account">
          <Select
            name="account"
            value={params.account}
            all="All customers"
            options={options.customers}
          />
        </Labelled>
      ) : null}
      {staff && allowed("carrier_id") ? (
        <Labelled label={label("carrier_id")} name="carrier">
          <Select
            name="carrier"
            value={params.carrier}
            all="All carriers"
            options={options.carriers}
          />
        </Labelled>
      ) : null}
      {allowed("ingress_id") ? (
        <Labelled label={label("ingress_id")} name="ingress">
          {staff ? (
            <input
              type="number"
              id={idOf("ingress")}
              name="ingress"
              min={1}
              placeholder="Route id"
              defaultValue={params.ingress ?? ""}
              className={inputClass}
            />
          ) : (
            <Select
              name="ingress"
              value={params.ingress}
              all="All routes"
              options={options.ingress}
            />
          )}
        </Labelled>
      ) : null}
      {allowed(destField) ? (
        <Labelled label={label(destField)} name="dest">
          <input
            type="text"
            id={idOf("dest")}
            name="dest"
            placeholder="Germany - Mobile"
            defaultValue={params.dest}
            className={inputClass}
          />
        </Labelled>
      ) : null}
      {allowed("sip_code") ? (
        <Labelled label={label("sip_code")} name="sip">
          <input
            type="text"
            id={idOf("sip")}
            name="sip"
            inputMode="numeric"
            pattern="[1-6]([0-9][0-9]|xx)"
            title="A SIP code (486) or class (4xx)"
            placeholder="486 or 4xx"
            defaultValue={params.sip ?? ""}
            className={inputClass}
          />
        </Labelled>
      ) : null}
      {numbers ? (
        <Labelled label="Number" name="number">
          <input
            type="search"
            id={idOf("number")}
            name="number"
            inputMode="tel"
            placeholder="4930… or *1234"
            title="Digits from the start of a number; start with * to match anywhere"
            defaultValue={params.number ?? ""}
            className={inputClass}
          />
        </Labelled>
      ) : null}
      <Labelled label="Order" name="order">
        <select
          id={idOf("order")}
          name="order"
          defaultValue={params.order ?? "newest"}
          className={inputClass}
        >
          <option value="newest">Newest first</option>
          <option value="oldest">Oldest first</option>
        </select>
      </Labelled>
      <div className="col-span-2 flex items-end gap-3 sm:col-span-4 lg:col-span-6">
        {allowed("duration") ? (
          <label className="flex items-center gap-2 text-sm text-slate-700">
            <input type="checkbox" name="connected" value="1" defaultChecked={params.connected} />
            Connected calls only
          </label>
        ) : null}
        <button
          type="submit"
          className="ml-auto rounded-md bg-brand px-4 py-1.5 text-sm font-medium text-brand-foreground hover:opacity-90"
        >
          Apply
        </button>
        <Link href={basePath} className="text-sm text-slate-600 underline">
          Reset
        </Link>
      </div>
    </form>
  );
}
