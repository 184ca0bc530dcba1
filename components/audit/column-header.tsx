"use client";

import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import * as Popover from "@radix-ui/react-popover";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useRef, useState } from "react";
import { FunnelIcon, MenuIcon, SortIcon } from "@/components/ui/icons";

export type ColumnFilter =
  | { kind: "checkbox"; param: string; options: readonly string[]; selected: readonly string[] }
  | { kind: "text"; param: string; values: readonly string[]; placeholder: string }
  | { kind: "range"; from: string; to: string };

type ColumnHeaderProps = {
  header: string;
  sort: "asc" | "desc" | null;
  ascHref?: string;
  descHref?: string;
  filter?: ColumnFilter;
};

const MENU_TRIGGER = "rounded p-0.5 text-slate-400 hover:bg-slate-200 hover:text-slate-700";

/**
 * A column header: the title toggles the sort (ascending first); the menu (three lines) offers
 * both sorts and the funnel, which opens this column's filter. Until its menu is first opened a
 * header is a plain link and button: the menu and the filter (Radix, with their contexts and
 * ids) are mounted on that first open, not rendered for every column of every page.
 */
export function ColumnHeader(props: ColumnHeaderProps) {
  const [armed, setArmed] = useState(false);
  if (armed) return <ColumnMenuHeader {...props} />;
  const { header, sort, ascHref, descHref, filter } = props;
  return (
    <div className="flex items-center gap-1">
      {sortToggle({ header, sort, ascHref, descHref })}
      {ascHref || filter ? (
        <button
          type="button"
          aria-label={`${header} column menu`}
          aria-haspopup="menu"
          aria-expanded={false}
          onClick={() => setArmed(true)}
          className={MENU_TRIGGER}
        >
          <MenuIcon />
        </button>
      ) : null}
    </div>
  );
}

/**
 * The title: a link that toggles the sort. A plain function, so Popover.Anchor's asChild gets the
 * link element itself (a component would have to forward its ref).
 */
function sortToggle({
  header,
  sort,
  ascHref,
  descHref,
}: Pick<ColumnHeaderProps, "header" | "sort" | "ascHref" | "descHref">) {
  const toggleHref = sort === "asc" ? descHref : ascHref;
  return toggleHref ? (
    <Link href={toggleHref} className="inline-flex items-center gap-1 hover:text-slate-900">
      {header}
      <SortIcon dir={sort} />
    </Link>
  ) : (
    <span>{header}</span>
  );
}

/** The header once its menu has been asked for: mounted open, with focus in the menu. */
function ColumnMenuHeader({ header, sort, ascHref, descHref, filter }: ColumnHeaderProps) {
  const [filterOpen, setFilterOpen] = useState(false);
  // The filter opens once the menu has closed and given focus back; opening it during the
  // menu's close would let that focus change dismiss it at once.
  const filterRequested = useRef(false);
  return (
    <Popover.Root open={filterOpen} onOpenChange={setFilterOpen}>
      <div className="flex items-center gap-1">
        <Popover.Anchor asChild>{sortToggle({ header, sort, ascHref, descHref })}</Popover.Anchor>
        {ascHref || filter ? (
          <DropdownMenu.Root defaultOpen>
            <DropdownMenu.Trigger aria-label={`${header} column menu`} className={MENU_TRIGGER}>
              <MenuIcon />
            </DropdownMenu.Trigger>
            <DropdownMenu.Portal>
              <DropdownMenu.Content
                onCloseAutoFocus={(event) => {
                  if (!filterRequested.current) return;
                  filterRequested.current = false;
                  event.preventDefault();
                  setFilterOpen(true);
                }}
                align="start"
                sideOffset={4}
                className="z-30 min-w-44 rounded-md border border-slate-200 bg-white p-1 text-sm normal-case shadow-lg"
              >
                {ascHref && descHref ? (
                  <>
                    <MenuLink href={ascHref}>Sort ascending</MenuLink>
                    <MenuLink href={descHref}>Sort descending</MenuLink>
                  </>
                ) : null}
                {filter ? (
                  <DropdownMenu.Item
                    onSelect={() => {
                      filterRequested.current = true;
                    }}
                    className="flex cursor-pointer items-center gap-2 rounded px-2 py-1.5 outline-none data-highlighted:bg-slate-100"
                  >
                    <FunnelIcon /> Filter…
                  </DropdownMenu.Item>
                ) : null}
              </DropdownMenu.Content>
            </DropdownMenu.Portal>
          </DropdownMenu.Root>
        ) : null}
      </div>
      {filter ? (
        <Popover.Portal>
          <Popover.Content
            align="start"
            sideOffset={6}
            aria-label={`Filter ${header}`}
            className="z-40 w-72 rounded-md border border-slate-200 bg-white p-3 text-sm shadow-lg"
          >
            <FilterForm header={header} filter={filter} onDone={() => setFilterOpen(false)} />
          </Popover.Content>
        </Popover.Portal>
      ) : null}
    </Popover.Root>
  );
}

function MenuLink({ href, children }: { href: string; children: React.ReactNode }) {
  return (
    <DropdownMenu.Item asChild>
      <Link
        href={href}
        className="block rounded px-2 py-1.5 outline-none data-highlighted:bg-slate-100"
      >
        {children}
      </Link>
    </DropdownMenu.Item>
  );
}

/** Writes the filter into the URL (dropping the page cursor) and navigates. */
function FilterForm({
  header,
  filter,
  onDone,
}: {
  header: string;
  filter: ColumnFilter;
  onDone: () => void;
}) {
  const router = useRouter();
  const searchParams = useSearchParams();

  function apply(values: Record<string, string>) {
    const next = new URLSearchParams(searchParams.toString());
    for (const [key, value] of Object.entries(values)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    next.delete("cursor");
    next.delete("nav");
    const qs = next.toString();
    router.push(qs ? `?${qs}` : "?");
    onDone();
  }

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    // The filter's inputs are all text or checkboxes: a File entry would not be a value.
    const text = (name: string) => {
      const value = data.get(name);
      return typeof value === "string" ? value : "";
    };
    if (filter.kind === "checkbox") {
      const values = data.getAll("value").filter((v): v is string => typeof v === "string");
      apply({ [filter.param]: values.join(",") });
    } else if (filter.kind === "text") {
      apply({ [filter.param]: text("value").trim() });
    } else {
      apply({ from: text("from"), to: text("to") });
    }
  }

  function clear() {
    apply(filter.kind === "range" ? { from: "", to: "" } : { [filter.param]: "" });
  }

  return (
    <form onSubmit={onSubmit} className="space-y-3">
      <p className="font-medium">Filter {header}</p>
      {filter.kind === "checkbox" ? (
        <fieldset className="max-h-64 space-y-1 overflow-y-auto">
          <legend className="sr-only">{header} values</legend>
          {filter.options.map((option) => (
            <label key={option} className="flex items-center gap-2">
              <input
                type="checkbox"
                name="value"
                value={option}
                defaultChecked={filter.selected.includes(option)}
              />
              <span className="font-mono text-xs">{option}</span>
            </label>
          ))}
        </fieldset>
      ) : filter.kind === "text" ? (
        <label className="block">
          <span className="text-xs text-slate-600">One or more values, separated by commas</span>
          <input
            name="value"
            defaultValue={filter.values.join(", ")}
            placeholder={filter.placeholder}
            className="mt-1 w-full rounded border border-slate-300 px-2 py-1"
            autoFocus
          />
        </label>
      ) : (
        <div className="space-y-2">
          <label className="block">
            <span className="text-xs text-slate-600">From (inclusive)</span>
            <input
              type="datetime-local"
              name="from"
              defaultValue={filter.from}
              className="mt-1 w-full rounded border border-slate-300 px-2 py-1"
            />
          </label>
          <label className="block">
            <span className="text-xs text-slate-600">To (exclusive)</span>
            <input
              type="datetime-local"
              name="to"
              defaultValue={filter.to}
              className="mt-1 w-full rounded border border-slate-300 px-2 py-1"
            />
          </label>
        </div>
      )}
      <div className="flex justify-between">
        <button
          type="button"
          onClick={clear}
          className="rounded px-2 py-1 text-slate-600 hover:bg-slate-100"
        >
          Clear
        </button>
        <button type="submit" className="rounded bg-brand px-3 py-1 font-medium text-white">
          Apply
        </button>
      </div>
    </form>
  );
}
