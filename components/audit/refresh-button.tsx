"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { useTransition } from "react";
import { RefreshIcon } from "@/components/ui/icons";

/** Reloads the newest entries: back to the first page, search, sort and filters kept. */
export function RefreshButton() {
  const router = useRouter();
  const searchParams = useSearchParams();
  const [pending, startTransition] = useTransition();
  function refresh() {
    const next = new URLSearchParams(searchParams.toString());
    next.delete("cursor");
    next.delete("nav");
    const qs = next.toString();
    startTransition(() => {
      router.push(qs ? `?${qs}` : "?");
      router.refresh();
    });
  }
  return (
    <button
      type="button"
      onClick={refresh}
      disabled={pending}
      className="inline-flex items-center gap-1.5 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm hover:bg-slate-50 disabled:opacity-60"
    >
      <RefreshIcon className={`size-4 ${pending ? "animate-spin" : ""}`} />
      Refresh
    </button>
  );
}
