import { problem } from "./problem";
import { rowsText } from "./record-counter";

/** What every export route answers with: a problem document when refused, a private download when not. */

export const exportRefused = (status: number, detail: string) =>
  problem({ status, detail, title: "Export refused" });

/** A download named `<name>-<yyyymmddhhmm>.<ext>`, never cached (it holds what one viewer may see). */
export function downloadResponse(body: BodyInit, name: string, ext: "csv" | "ndjson"): Response {
  const stamp = new Date().toISOString().slice(0, 16).replace(/[-:T]/g, "");
  return new Response(body, {
    headers: {
      "content-type":
        ext === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="${name}-${stamp}.${ext}"`,
      "cache-control": "private, no-store",
    },
  });
}

/** One page of an export: its text and how many records it holds; `last` ends the export. */
export type ExportPage = { text: string; rows: number; last: boolean };

/** How an export ended, for its audit entry. */
export type ExportOutcome = { rows: number; cancelled: boolean };

/**
 * An export's body, page by page as the client reads it, that records the export once when it
 * ends, so the entry can say how many rows left: a completed export before its last byte (a
 * failed write fails the download, which then never completes unrecorded); a cancelled one (a
 * Cancel button, a closed tab) with the rows already written. Next cancels the body it pipes
 * when the client goes away (e2e/export-progress.spec.ts shows it on the built server); the
 * request's abort signal is listened to as well, and whichever comes first records. A server
 * killed mid-export records nothing.
 */
export function recordedExportBody({
  signal,
  nextPage,
  record,
}: {
  signal: AbortSignal;
  nextPage: () => Promise<ExportPage>;
  record: (outcome: ExportOutcome) => Promise<unknown>;
}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let rows = 0;
  let recorded = false;
  const recordOnce = async (cancelled: boolean) => {
    if (recorded) return;
    recorded = true;
    await record({ rows, cancelled });
  };
  const recordCancel = () =>
    recordOnce(true).catch((err: unknown) => console.error("export: cancel not recorded", err));
  signal.addEventListener("abort", () => void recordCancel(), { once: true });
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const page = await nextPage();
      if (recorded) return; // cancelled while the page was read: it is not sent
      if (page.text) controller.enqueue(encoder.encode(page.text));
      rows += page.rows;
      if (page.last) {
        await recordOnce(false);
        controller.close();
      }
    },
    cancel: recordCancel,
  });
}

/** An export's audit message, names only: "Generated <what> (narrowed by …): N rows", or "Cancelled <what> (…) after N rows". */
export function exportMessage(
  what: string,
  narrowedBy: readonly string[],
  outcome: ExportOutcome,
): string {
  const full = what + (narrowedBy.length > 0 ? ` (narrowed by ${narrowedBy.join(", ")})` : "");
  const rows = rowsText(outcome.rows);
  return outcome.cancelled ? `Cancelled ${full} after ${rows}` : `Generated ${full}: ${rows}`;
}
