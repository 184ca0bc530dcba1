import { describe, expect, it } from "vitest";
import { checkCodeSyntax, describeSyntaxError } from "./code-syntax";

describe("checkCodeSyntax: CSS", () => {
  it("passes valid and blank CSS, unknown properties included (browsers skip those)", () => {
    expect(checkCodeSyntax("css", "")).toBeNull();
    expect(
      checkCodeSyntax("css", "a { color: red }\n@media (min-width: 1px) { b { x-y: z } }"),
    ).toBeNull();
  });

  it("reports a missing closing brace at the block it leaves open", () => {
    expect(checkCodeSyntax("css", "a { color: red; }\n\nb { color: blue;\n")).toEqual({
      line: 3,
      column: 1,
      reason: "Unclosed block",
    });
  });

  it("reports a stray closing brace and an unclosed comment with their positions", () => {
    expect(checkCodeSyntax("css", "a {}\n  }")).toEqual({
      line: 2,
      column: 3,
      reason: "Unexpected }",
    });
    expect(checkCodeSyntax("css", "a {} /* x")).toMatchObject({
      line: 1,
      column: 6,
      reason: "Unclosed comment",
    });
  });

  it("cuts a reason that quotes the input short", () => {
    const error = checkCodeSyntax("css", `a { ${"x".repeat(5000)} }`);
    expect(error).not.toBeNull();
    expect(error!.reason.length).toBeLessThanOrEqual(120);
  });
});

describe("checkCodeSyntax: JavaScript", () => {
  it("passes today's syntax as a classic script", () => {
    expect(checkCodeSyntax("js", "")).toBeNull();
    expect(checkCodeSyntax("js", "const a = { ...b }?.c ?? 1;\nclass X { #p = 1 }")).toBeNull();
  });

  it("reports the error with a 1-based column and no position in the reason", () => {
    expect(checkCodeSyntax("js", "let ok = 1;\nlet x = ;")).toEqual({
      line: 2,
      column: 9,
      reason: "Unexpected token",
    });
  });

  it("refuses module syntax: the portal loads the script as a classic script", () => {
    expect(checkCodeSyntax("js", "import x from 'y';")).toMatchObject({ line: 1, column: 1 });
  });

  it("cuts an error quoting a huge identifier short", () => {
    const name = "v".repeat(10_000);
    const error = checkCodeSyntax("js", `let ${name}; let ${name};`);
    expect(error).not.toBeNull();
    expect(describeSyntaxError(error!).length).toBeLessThan(160);
  });
});

describe("describeSyntaxError", () => {
  it("names the line and column first", () => {
    expect(describeSyntaxError({ line: 3, column: 1, reason: "Unclosed block" })).toBe(
      "Line 3, column 1: Unclosed block",
    );
  });
});
