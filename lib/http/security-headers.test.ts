import { describe, expect, it } from "vitest";
import { parseTrustedProxies } from "./client-ip";
import { securityHeaders, servedOverHttps } from "./security-headers";

const trusted = parseTrustedProxies("127.0.0.1, 10.0.0.0/8");
const APP_URL = "https://voip.example";

describe("securityHeaders", () => {
  it("sends the referrer, feature, sniffing and framing rules on every response", () => {
    const headers = Object.fromEntries(securityHeaders(false));
    expect(headers["Referrer-Policy"]).toBe("same-origin");
    expect(headers["X-Content-Type-Options"]).toBe("nosniff");
    expect(headers["X-Frame-Options"]).toBe("DENY");
    const denied = headers["Permissions-Policy"]!.split(", ");
    for (const feature of ["camera", "microphone", "geolocation", "payment", "usb"]) {
      expect(denied).toContain(`${feature}=()`);
    }
    // The API key's Copy button writes to the clipboard.
    expect(headers["Permissions-Policy"]).not.toContain("clipboard");
  });

  it("lets only this origin frame only the branding preview", () => {
    const framing = (path: string) =>
      Object.fromEntries(securityHeaders(false, path))["X-Frame-Options"];
    expect(framing("/branding-preview")).toBe("SAMEORIGIN");
    for (const path of ["/branding", "/api/v1/branding", "/portal", "/branding-preview/x"]) {
      expect(framing(path), path).toBe("DENY");
    }
  });

  it("sends HSTS only over HTTPS", () => {
    expect(Object.keys(Object.fromEntries(securityHeaders(false)))).not.toContain(
      "Strict-Transport-Security",
    );
    expect(Object.fromEntries(securityHeaders(true))["Strict-Transport-Security"]).toBe(
      "max-age=31536000",
    );
  });
});

describe("servedOverHttps", () => {
  const facts = (peer: string, forwardedProto?: string | string[], host = "localhost:3000") => ({
    peer,
    host,
    forwardedProto,
  });

  it("is plain HTTP for a direct request to localhost, whatever APP_URL says", () => {
    expect(servedOverHttps(facts("127.0.0.1"), trusted, undefined)).toBe(false);
    expect(servedOverHttps(facts("127.0.0.1"), trusted, APP_URL)).toBe(false);
    expect(servedOverHttps(facts("::1"), [], "http://localhost:3000")).toBe(false);
  });

  it("believes X-Forwarded-Proto from a trusted proxy only", () => {
    expect(servedOverHttps(facts("10.1.2.3", "https"), trusted, undefined)).toBe(true);
    expect(servedOverHttps(facts("10.1.2.3", "HTTPS"), trusted, undefined)).toBe(true);
    expect(servedOverHttps(facts("203.0.113.9", "https"), trusted, undefined)).toBe(false);
    expect(servedOverHttps(facts("10.1.2.3", "https"), [], undefined)).toBe(false);
  });

  it("reads the value the nearest proxy wrote, not one a client put first", () => {
    expect(servedOverHttps(facts("10.1.2.3", "https, http"), trusted, undefined)).toBe(false);
    expect(servedOverHttps(facts("10.1.2.3", ["http", "https"]), trusted, undefined)).toBe(true);
  });

  it("lets a trusted proxy's http override an https APP_URL", () => {
    expect(servedOverHttps(facts("10.1.2.3", "http", "voip.example"), trusted, APP_URL)).toBe(
      false,
    );
  });

  it("counts an https APP_URL for requests addressed to its host", () => {
    expect(servedOverHttps(facts("203.0.113.9", undefined, "voip.example"), [], APP_URL)).toBe(
      true,
    );
    expect(servedOverHttps(facts("203.0.113.9", undefined, "VOIP.example"), [], APP_URL)).toBe(
      true,
    );
    expect(servedOverHttps(facts("203.0.113.9", undefined, "other.example"), [], APP_URL)).toBe(
      false,
    );
    expect(
      servedOverHttps(facts("203.0.113.9", undefined, "voip.example"), [], "http://voip.example"),
    ).toBe(false);
  });
});
