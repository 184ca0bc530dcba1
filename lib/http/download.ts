import { problem } from "./problem";

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
