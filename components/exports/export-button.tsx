"use client";

import { useRef, useState } from "react";
import { recordCounter, rowsText } from "@/lib/http/record-counter";

type Status =
  | { kind: "idle" }
  | { kind: "running"; rows: number }
  | { kind: "done"; rows: number; filename: string }
  | { kind: "cancelled"; rows: number }
  | { kind: "failed"; message: string };

function statusText(status: Status): string {
  switch (status.kind) {
    case "idle":
      return "";
    case "running":
      return `${rowsText(status.rows)} written…`;
    case "done":
      return `Export complete: ${rowsText(status.rows)} saved to ${status.filename}.`;
    case "cancelled":
      return `Export cancelled after ${rowsText(status.rows)}; nothing was saved.`;
    case "failed":
      return `Export failed: ${status.message}`;
  }
}

/** The filename the server gave in Content-Disposition (`attachment; filename="…"`). */
function filenameOf(res: Response, fallback: string): string {
  const header = res.headers.get("content-disposition") ?? "";
  return /filename="([^"]+)"/.exec(header)?.[1] ?? fallback;
}

/** A refusal's problem document (RFC 9457) says why in `detail`; anything else by its status. */
async function refusalOf(res: Response): Promise<string> {
  try {
    const body: unknown = await res.json();
    if (body && typeof body === "object" && "detail" in body && typeof body.detail === "string") {
      return body.detail;
    }
  } catch {
    // not JSON: the status says enough
  }
  return `the server answered ${res.status} ${res.statusText}`.trim();
}

/**
 * A download link for a CSV or NDJSON export. Without JavaScript it is a plain link and the
 * browser downloads. With it, the export is fetched here so the rows written so far can be shown
 * and the export cancelled (the server then records the cancel); the file is saved at the end
 * under the server's filename.
 */
export function ExportButton({
  href,
  format,
  label,
  className,
}: {
  href: string;
  format: "csv" | "ndjson";
  label: string;
  className?: string;
}) {
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const abort = useRef<AbortController | null>(null);
  const running = status.kind === "running";

  async function run(target: string) {
    const controller = new AbortController();
    abort.current = controller;
    const counter = recordCounter(format);
    let rows = 0;
    setStatus({ kind: "running", rows });
    try {
      const res = await fetch(target, { signal: controller.signal, credentials: "same-origin" });
      if (!res.ok || !res.body) {
        setStatus({ kind: "failed", message: await refusalOf(res) });
        return;
      }
      const reader = res.body.getReader();
      const chunks: Uint8Array[] = [];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        rows = counter.add(value);
        setStatus({ kind: "running", rows });
      }
      rows = counter.end();
      const filename = filenameOf(res, `export.${format}`);
      const type = res.headers.get("content-type") ?? "application/octet-stream";
      const url = URL.createObjectURL(new Blob(chunks as BlobPart[], { type }));
      const a = document.createElement("a");
      a.href = url;
      a.download = filename;
      document.body.append(a);
      a.click();
      a.remove();
      // Revoked after the click has handed the blob to the download.
      setTimeout(() => URL.revokeObjectURL(url), 0);
      setStatus({ kind: "done", rows, filename });
    } catch (err) {
      if (controller.signal.aborted) setStatus({ kind: "cancelled", rows });
      else setStatus({ kind: "failed", message: err instanceof Error ? err.message : String(err) });
    } finally {
      if (abort.current === controller) abort.current = null;
    }
  }

  return (
    <span className="inline-flex items-center gap-2" data-testid={`export-${format}`}>
      <a
        href={href}
        className={className}
        download
        aria-disabled={running || undefined}
        onClick={(e) => {
          // Modified clicks (new tab, save as) stay the browser's.
          if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
          e.preventDefault();
          // The link as drawn (its href is the export's whole query).
          if (!running) void run(e.currentTarget.href);
        }}
      >
        {label}
      </a>
      {running ? (
        <button
          type="button"
          className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm hover:bg-slate-50"
          onClick={() => abort.current?.abort()}
        >
          Cancel export
        </button>
      ) : null}
      <span
        role="status"
        aria-live="polite"
        className={status.kind === "failed" ? "text-sm text-red-700" : "text-sm text-slate-600"}
      >
        {statusText(status)}
      </span>
    </span>
  );
}
