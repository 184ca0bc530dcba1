// Property-based tests of View Difference's preparation (splitForDiff): any before/after an
// entry can hold (jsonb objects) is prepared without throwing, the same way every time, and the
// fields it lists as changed are exactly the ones that changed.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitForDiff } from "@/lib/audit/diff";

const IGNORED = ["updatedAt", "version"];

/** Column names: real ones, the ignored bookkeeping ones, and anything else. */
const columnName = fc.oneof(
  fc.constantFrom("id", "name", "creditLimit", "customCss", "notesPrivate", ...IGNORED),
  // Keys Object.prototype has: a side that lacks one must not read the prototype's.
  fc.constantFrom("toString", "valueOf", "constructor", "__proto__"),
  fc.string({ maxLength: 10 }),
);

/** A column's value: JSON from jsonb, often text, sometimes text over several lines. */
const columnValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.array(fc.string({ maxLength: 30 }), { minLength: 2, maxLength: 6 }).map((l) => l.join("\n")),
);

const record = fc.dictionary(columnName, columnValue, { maxKeys: 8 });
const maybeRecord = fc.option(record, { nil: null, freq: 5 });

/** Before and after that share some columns, as an UPDATE's do. */
const update = fc
  .tuple(record, record, fc.dictionary(columnName, columnValue, { maxKeys: 4 }))
  .map(([shared, before, after]) => ({
    before: { ...shared, ...before },
    after: { ...shared, ...after },
  }));

const own = (row: Record<string, unknown>, key: string) =>
  Object.hasOwn(row, key) ? row[key] : undefined;

const changedKeys = (before: Record<string, unknown>, after: Record<string, unknown>) =>
  [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => JSON.stringify(own(before, k)) !== JSON.stringify(own(after, k)))
    .sort();

describe("splitForDiff", () => {
  it("never throws and is deterministic", () => {
    fc.assert(
      fc.property(maybeRecord, maybeRecord, (before, after) => {
        const first = splitForDiff(before, after);
        const second = splitForDiff(structuredClone(before), structuredClone(after));
        expect(second).toEqual(first);
      }),
      { numRuns: 400 },
    );
  });

  it("finds no difference between a record and its copy", () => {
    fc.assert(
      fc.property(record, (row) => {
        const { changes, texts, json } = splitForDiff(row, structuredClone(row));
        expect(changes).toEqual([]);
        expect(texts).toEqual([]);
        expect(json.after).toBe(json.before);
      }),
      { numRuns: 300 },
    );
  });

  it("lists exactly the changed fields but bookkeeping, once each, sorted, values short", () => {
    fc.assert(
      fc.property(update, ({ before, after }) => {
        const { changes } = splitForDiff(before, after);
        const expected = changedKeys(before, after).filter((k) => !IGNORED.includes(k));
        expect(changes.map((c) => c.field)).toEqual(expected);
        for (const change of changes) {
          // 200 characters and an ellipsis at most: long values are diffed as text or JSON.
          expect([...change.before].length).toBeLessThanOrEqual(201);
          expect([...change.after].length).toBeLessThanOrEqual(201);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("splits out every changed multi-line text and only those", () => {
    fc.assert(
      fc.property(update, ({ before, after }) => {
        const { texts } = splitForDiff(before, after);
        const multiline = (v: unknown) => typeof v === "string" && v.includes("\n");
        const expected = changedKeys(before, after).filter(
          (k) => multiline(own(before, k)) || multiline(own(after, k)),
        );
        expect(texts.map((t) => t.field)).toEqual(expected);
        for (const t of texts) {
          const [b, a] = [own(before, t.field), own(after, t.field)];
          expect(t.before).toBe(typeof b === "string" ? b : "");
          expect(t.after).toBe(typeof a === "string" ? a : "");
        }
      }),
      { numRuns: 300 },
    );
  });

  it("shows each side's record as JSON with every column, texts summarised", () => {
    fc.assert(
      fc.property(maybeRecord, maybeRecord, (before, after) => {
        const { changes, json } = splitForDiff(before, after);
        if (before === null || after === null) expect(changes).toEqual([]);
        for (const [row, text] of [
          [before, json.before],
          [after, json.after],
        ] as const) {
          if (row === null) {
            expect(text).toBe("");
            continue;
          }
          const shown = JSON.parse(text) as Record<string, unknown>;
          expect(Object.keys(shown).sort()).toEqual(Object.keys(row).sort());
          for (const [k, v] of Object.entries(row)) {
            if (typeof v === "string" && v.includes("\n")) {
              expect(shown[k]).toBe(`(${v.split("\n").length} lines)`);
            } else {
              // As JSON carries it (-0 is written as 0).
              expect(shown[k]).toEqual(JSON.parse(JSON.stringify(v)));
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
