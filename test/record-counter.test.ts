import { describe, expect, it } from "vitest";
import { recordCounter } from "@/lib/http/record-counter";
import { csvText } from "@/lib/http/csv";

/** The client's count of records in an export's body, fed in chunks split anywhere. */

const bytes = (text: string) => new TextEncoder().encode(text);

/** Feeds `text` in pieces of `size` bytes; returns the counts after each piece and at the end. */
function feed(format: "csv" | "ndjson", text: string, size: number) {
  const counter = recordCounter(format);
  const all = bytes(text);
  const seen: number[] = [];
  for (let i = 0; i < all.length; i += size) seen.push(counter.add(all.subarray(i, i + size)));
  return { seen, total: counter.end() };
}

const ROWS = [
  ["1", "plain", "Ada"],
  ["2", "a message\nover two lines", 'She said "hi"'],
  ["3", '"quoted\nstart', "\n"],
  ["4", "ünïcödé ✓", ""],
];
const CSV = csvText(ROWS, ["id", "message", "user"]);

describe("the export record counter", () => {
  it("counts CSV records, not lines: newlines inside quoted fields are data", () => {
    expect(CSV.split("\n").length - 1).toBeGreaterThan(ROWS.length + 1);
    expect(feed("csv", CSV, CSV.length).total).toBe(ROWS.length);
  });

  it("gives the same count whatever the chunk boundaries, mid-record and mid-character", () => {
    for (const size of [1, 2, 3, 5, 7, 16]) {
      const { seen, total } = feed("csv", CSV, size);
      expect(total, `chunks of ${size}`).toBe(ROWS.length);
      // progress never goes back, and never counts a record before its end
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect(Math.max(...seen)).toBe(ROWS.length);
    }
  });

  it("counts a record ended by CRLF once, quoted CRLF not at all", () => {
    const crlf = 'id,message\r\n1,"two\r\nlines"\r\n2,b\r\n';
    expect(feed("csv", crlf, 3).total).toBe(2);
  });

  it("counts a last record that has no newline when the body ends", () => {
    const counter = recordCounter("csv");
    expect(counter.add(bytes("id,message\n1,a\n2,b"))).toBe(1);
    expect(counter.end()).toBe(2);
  });

  it("counts NDJSON lines (JSON strings hold \\n escaped, quotes do not toggle)", () => {
    const lines = [{ m: 'a "quoted\\n" value' }, { m: "x\ny" }, { m: '"' }]
      .map((o) => JSON.stringify(o))
      .join("\n");
    expect(feed("ndjson", `${lines}\n`, 4).total).toBe(3);
    expect(feed("ndjson", lines, 5).total).toBe(3);
  });

  it("counts nothing in a header-only CSV or an empty body", () => {
    expect(feed("csv", "id,message\n", 2).total).toBe(0);
    expect(feed("ndjson", "", 1).total).toBe(0);
  });
});
