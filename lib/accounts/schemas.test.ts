import { describe, expect, it } from "vitest";
import { optionalText } from "./schemas";

describe("optionalText", () => {
  it("stores a textarea's \\r\\n line ends as \\n, so an untouched note is not a change", () => {
    expect(optionalText(100).parse("Line one\r\nLine two\rLine three")).toBe(
      "Line one\nLine two\nLine three",
    );
  });

  it("clears blank text and refuses text over the limit", () => {
    expect(optionalText(10).parse("   ")).toBeNull();
    expect(optionalText(10).safeParse("x".repeat(11)).success).toBe(false);
  });
});
