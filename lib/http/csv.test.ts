import { describe, expect, it } from "vitest";
import { neutraliseFormula } from "./csv";

describe("neutraliseFormula", () => {
  it("prefixes a quote to cells a spreadsheet would run as formulas", () => {
    for (const v of ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")']) {
      expect(neutraliseFormula(v)).toBe(`'${v}`);
    }
  });
  it("leaves ordinary text alone", () => {
    for (const v of ["Acme Telecom", "203.0.113.7", "", "a=b"])
      expect(neutraliseFormula(v)).toBe(v);
  });
});
