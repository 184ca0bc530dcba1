import { describe, expect, it } from "vitest";
import { resolveLayeredColumns } from "./layered-columns";

const CATALOGUE = [
  { key: "a", defaults: { customer: "D", carrier: "D", staff: "D" } },
  { key: "b", defaults: { customer: "O", carrier: "N", staff: "D" } },
  { key: "c", defaults: { customer: "N", carrier: "D", staff: "D" } },
  { key: "d", defaults: { customer: "D", carrier: "O", staff: "O" } },
] as const;

describe("resolveLayeredColumns", () => {
  it("takes the fallback when no row exists, and drops the audience's never cells", () => {
    const r = resolveLayeredColumns(CATALOGUE, "customer", {
      base: null,
      fallback: ["a", "c", "d"],
    });
    expect(r.allowed).toEqual(["a", "d"]);
    expect(r.visible).toEqual(["a", "d"]);
  });

  it("keeps the base row's order and ignores the fallback when a row exists", () => {
    const r = resolveLayeredColumns(CATALOGUE, "staff", { base: ["d", "a"], fallback: ["a", "b"] });
    expect(r.allowed).toEqual(["d", "a"]);
  });

  it("a user's override replaces the role's row", () => {
    const r = resolveLayeredColumns(CATALOGUE, "staff", {
      base: ["a", "b"],
      fallback: [],
      userOverride: ["c"],
    });
    expect(r.allowed).toEqual(["c"]);
  });

  it("an account override adds and removes relative to the default, so the default still reaches it", () => {
    const layers = (base: string[]) => ({
      base,
      fallback: [],
      account: { added: ["b"], removed: ["d"], fieldOrder: [] },
    });
    expect(resolveLayeredColumns(CATALOGUE, "customer", layers(["a", "d"])).allowed).toEqual([
      "a",
      "b",
    ]);
    // The admin removes `a` from the customer default: the account follows.
    expect(resolveLayeredColumns(CATALOGUE, "customer", layers(["d"])).allowed).toEqual(["b"]);
  });

  it("an account's order puts its fields first", () => {
    const r = resolveLayeredColumns(CATALOGUE, "customer", {
      base: ["a", "d"],
      fallback: [],
      account: { added: ["b"], removed: [], fieldOrder: ["b", "x"] },
    });
    expect(r.allowed).toEqual(["b", "a", "d"]);
  });

  it("no setting reveals a never cell: base, user override or account addition", () => {
    for (const layers of [
      { base: ["a", "c"], fallback: [] },
      { base: ["a"], fallback: [], userOverride: ["a", "c"] },
      { base: ["a"], fallback: [], account: { added: ["c"], removed: [], fieldOrder: ["c"] } },
    ]) {
      expect(resolveLayeredColumns(CATALOGUE, "customer", layers).allowed).toEqual(["a"]);
    }
  });

  it("unknown keys in stored settings are dropped", () => {
    const r = resolveLayeredColumns(CATALOGUE, "staff", { base: ["a", "zz"], fallback: [] });
    expect(r.allowed).toEqual(["a"]);
  });

  it("a preference hides but never reveals, and never leaves nothing", () => {
    const base = { base: ["a", "d"], fallback: [] };
    expect(resolveLayeredColumns(CATALOGUE, "customer", { ...base, hidden: ["d", "b"] })).toEqual({
      allowed: ["a", "d"],
      visible: ["a"],
    });
    expect(
      resolveLayeredColumns(CATALOGUE, "customer", { ...base, hidden: ["a", "d"] }).visible,
    ).toEqual(["a", "d"]);
  });
});
