import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, newNonce } from "./csp";

const directive = (policy: string, name: string) =>
  policy
    .split("; ")
    .find((d) => d.startsWith(`${name} `))
    ?.slice(name.length + 1)
    .split(" ");

describe("contentSecurityPolicy", () => {
  it("lets scripts run only from this origin or with the request's nonce", () => {
    const policy = contentSecurityPolicy("abc123");
    expect(directive(policy, "script-src")).toEqual(["'self'", "'nonce-abc123'"]);
  });

  it("keeps data inside: no other host for fetches, images, forms or frames", () => {
    const policy = contentSecurityPolicy("n");
    expect(directive(policy, "connect-src")).toEqual(["'self'"]);
    expect(directive(policy, "img-src")).toEqual(["'self'", "data:", "blob:"]);
    expect(directive(policy, "form-action")).toEqual(["'self'"]);
    expect(directive(policy, "frame-ancestors")).toEqual(["'none'"]);
    expect(directive(policy, "object-src")).toEqual(["'none'"]);
  });

  it("lets this origin frame the branding preview, and nothing else", () => {
    expect(
      directive(contentSecurityPolicy("n", false, "/branding-preview"), "frame-ancestors"),
    ).toEqual(["'self'"]);
    for (const path of ["/branding", "/branding-preview/x", "/branding-previewx", "/portal", "/"]) {
      expect(directive(contentSecurityPolicy("n", false, path), "frame-ancestors"), path).toEqual([
        "'none'",
      ]);
    }
  });

  it("allows eval only for the dev server", () => {
    expect(contentSecurityPolicy("n")).not.toContain("unsafe-eval");
    expect(directive(contentSecurityPolicy("n", true), "script-src")).toContain("'unsafe-eval'");
  });

  it("makes a different nonce every time", () => {
    const nonces = new Set(Array.from({ length: 50 }, newNonce));
    expect(nonces.size).toBe(50);
    for (const n of nonces) expect(n).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });
});
