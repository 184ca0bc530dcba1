import { describe, expect, it } from "vitest";
import { splitForDiff } from "./diff";

describe("splitForDiff", () => {
  it("lists changed fields, ignoring bookkeeping columns", () => {
    const { changes } = splitForDiff(
      { creditLimit: "500.00", version: 1, name: "Acme" },
      { creditLimit: "750.00", version: 2, name: "Acme" },
    );
    expect(changes).toEqual([{ field: "creditLimit", before: "500.00", after: "750.00" }]);
  });

  it("splits multi-line text out to be diffed line by line", () => {
    const css = Array.from({ length: 3000 }, (_, i) => `.c${i} { color: red; }`).join("\n");
    const changed = css.replace(".c1500 { color: red; }", ".c1500 { color: blue; }");
    const { changes, texts, json } = splitForDiff({ customCss: css }, { customCss: changed });
    expect(changes[0]).toEqual({
      field: "customCss",
      before: "(3000 lines, shown below)",
      after: "(3000 lines, shown below)",
    });
    expect(texts).toEqual([{ field: "customCss", before: css, after: changed }]);
    // The JSON view stays small: the text is summarised there.
    expect(json.before.length).toBeLessThan(100);
  });

  it("shows only the new record for a CREATE and only the old for a DELETE", () => {
    expect(splitForDiff(null, { a: 1 })).toMatchObject({
      changes: [],
      json: { before: "", after: '{\n  "a": 1\n}' },
    });
    expect(splitForDiff({ a: 1 }, null)).toMatchObject({
      changes: [],
      json: { before: '{\n  "a": 1\n}', after: "" },
    });
  });

  // Found by test/properties/diff.test.ts: a side without the key read Object.prototype's
  // method (JSON.stringify gave undefined and short() threw), and "__proto__" vanished.
  it("reads only a record's own fields, whatever they are called", () => {
    const before = JSON.parse('{"toString": "a", "__proto__": "p"}') as Record<string, unknown>;
    const { changes, json } = splitForDiff(before, {});
    expect(changes).toEqual([
      { field: "__proto__", before: "p", after: "—" },
      { field: "toString", before: "a", after: "—" },
    ]);
    expect(JSON.parse(json.before)).toEqual(before);
  });
});
