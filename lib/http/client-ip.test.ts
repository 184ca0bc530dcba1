import { describe, expect, it } from "vitest";
import { parseTrustedProxies, resolveClientIp } from "./client-ip";

const trusted = parseTrustedProxies("127.0.0.1, 10.0.0.0/8, ::1");

describe("resolveClientIp", () => {
  it("uses the connection's address when there is no forwarding header", () => {
    expect(resolveClientIp("203.0.113.9", null, trusted)).toBe("203.0.113.9");
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", () => {
    expect(resolveClientIp("203.0.113.9", "1.2.3.4", trusted)).toBe("203.0.113.9");
    expect(resolveClientIp("203.0.113.9", "1.2.3.4", [])).toBe("203.0.113.9");
  });

  it("takes the client from X-Forwarded-For behind a trusted proxy", () => {
    expect(resolveClientIp("127.0.0.1", "198.51.100.4", trusted)).toBe("198.51.100.4");
  });

  it("skips a chain of trusted proxies but not a spoofed leftmost entry", () => {
    // The client sent "6.6.6.6" itself; 198.51.100.4 is what our first trusted hop saw.
    expect(resolveClientIp("127.0.0.1", "6.6.6.6, 198.51.100.4, 10.1.2.3", trusted)).toBe(
      "198.51.100.4",
    );
  });

  it("normalises IPv4-mapped IPv6 peers", () => {
    expect(resolveClientIp("::ffff:127.0.0.1", "198.51.100.4", trusted)).toBe("198.51.100.4");
    expect(resolveClientIp("::ffff:203.0.113.9", null, trusted)).toBe("203.0.113.9");
  });

  it("handles IPv6 clients", () => {
    expect(resolveClientIp("::1", "2001:db8::7", trusted)).toBe("2001:db8::7");
  });

  it("never returns something that is not an address", () => {
    expect(resolveClientIp("127.0.0.1", "not-an-ip", trusted)).toBe("127.0.0.1");
    expect(resolveClientIp("127.0.0.1", "<script>", trusted)).toBe("127.0.0.1");
    expect(resolveClientIp("garbage", "198.51.100.4", trusted)).toBeNull();
    expect(resolveClientIp(null, "198.51.100.4", trusted)).toBeNull();
    expect(resolveClientIp("10.1", null, trusted)).toBeNull();
  });
});

describe("parseTrustedProxies", () => {
  it("accepts addresses and CIDRs, rejects anything else with the entry named", () => {
    expect(parseTrustedProxies("")).toEqual([]);
    expect(() => parseTrustedProxies("10.0.0.0/33")).toThrow(/10\.0\.0\.0\/33/);
    expect(() => parseTrustedProxies("proxy.local")).toThrow(/proxy\.local/);
  });
});
