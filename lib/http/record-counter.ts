/** "1 row", "4,590 rows": how exports and their entries count rows. */
export const rowsText = (n: number) => `${n.toLocaleString("en")} ${n === 1 ? "row" : "rows"}`;

/**
 * Counts the records of a CSV or NDJSON download as its bytes arrive, for the progress of an
 * export. The client counts rather than the server reporting: a download is only its body, and
 * every record ends with a newline the exports always write (csv-stringify and the NDJSON writer
 * both end each record with "\n"). In CSV a newline inside a quoted field is data, not a record
 * end: quotes toggle the state ("" inside a field toggles twice, so stays quoted), across chunk
 * boundaries too. "\r" is ignored, so CRLF counts once. The CSV header line is not a record.
 */
export function recordCounter(format: "csv" | "ndjson") {
  const decoder = new TextDecoder();
  let quoted = false;
  let lines = 0;
  let open = false; // characters after the last record end: a record without its newline
  const push = (text: string) => {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 34 /* " */ && format === "csv") quoted = !quoted;
      if (c === 10 /* \n */ && !quoted) {
        lines += 1;
        open = false;
      } else if (c !== 13 /* \r */) open = true;
    }
  };
  const records = (ended: boolean) => {
    const all = lines + (ended && open ? 1 : 0);
    return format === "csv" ? Math.max(0, all - 1) : all;
  };
  return {
    /** Feeds the next chunk; returns the records complete so far. */
    add(chunk: Uint8Array): number {
      push(decoder.decode(chunk, { stream: true }));
      return records(false);
    },
    /** The body has ended: a last record without its newline counts too. */
    end(): number {
      push(decoder.decode());
      return records(true);
    },
  };
}
