import { describe, expect, it } from "vitest";
import { isTrustedPeer, parseIp, parseTrustedProxies, resolveClientIp } from "./client-ip";

// Parsed inside each test rather than at import, so a parsing fault fails tests instead of the
// file's collection (which mutation testing would not count as a failure).
const proxies = () => parseTrustedProxies("127.0.0.1, 10.0.0.0/8, ::1");

describe("resolveClientIp", () => {
  it("uses the connection's address when there is no forwarding header", () => {
    expect(resolveClientIp("203.0.113.9", null, proxies())).toBe("203.0.113.9");
    expect(resolveClientIp("127.0.0.1", "", proxies())).toBe("127.0.0.1");
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", () => {
    expect(resolveClientIp("203.0.113.9", "1.2.3.4", proxies())).toBe("203.0.113.9");
    expect(resolveClientIp("203.0.113.9", "1.2.3.4", [])).toBe("203.0.113.9");
  });

  it("takes the client from X-Forwarded-For behind a trusted proxy", () => {
    expect(resolveClientIp("127.0.0.1", "198.51.100.4", proxies())).toBe("198.51.100.4");
    expect(resolveClientIp("10.200.3.4", " 198.51.100.4 ", proxies())).toBe("198.51.100.4");
  });

  it("skips a chain of trusted proxies but not a spoofed leftmost entry", () => {
    // The client sent "6.6.6.6" itself; 198.51.100.4 is what our first trusted hop saw.
    expect(resolveClientIp("127.0.0.1", "6.6.6.6, 198.51.100.4, 10.1.2.3", proxies())).toBe(
      "198.51.100.4",
    );
  });

  it("stops at the last good address when a hop is garbled", () => {
    expect(resolveClientIp("127.0.0.1", "198.51.100.4, junk, 10.1.2.3", proxies())).toBe(
      "10.1.2.3",
    );
    expect(resolveClientIp("127.0.0.1", "198.51.100.4, 10.1.2.3, junk", proxies())).toBe(
      "127.0.0.1",
    );
  });

  it("returns the last trusted hop when every hop is a trusted proxy", () => {
    expect(resolveClientIp("127.0.0.1", "10.9.9.9, 10.1.2.3", proxies())).toBe("10.9.9.9");
  });

  it("normalises IPv4-mapped IPv6 peers", () => {
    expect(resolveClientIp("::ffff:127.0.0.1", "198.51.100.4", proxies())).toBe("198.51.100.4");
    expect(resolveClientIp("::ffff:203.0.113.9", null, proxies())).toBe("203.0.113.9");
  });

  it("handles IPv6 clients and bracketed peers", () => {
    expect(resolveClientIp("::1", "2001:db8::7", proxies())).toBe("2001:db8::7");
    expect(resolveClientIp("[::1]", "[2001:db8::7]", proxies())).toBe("2001:db8::7");
  });

  it("never returns something that is not an address", () => {
    expect(resolveClientIp("127.0.0.1", "not-an-ip", proxies())).toBe("127.0.0.1");
    expect(resolveClientIp("127.0.0.1", "<script>", proxies())).toBe("127.0.0.1");
    expect(resolveClientIp("garbage", "198.51.100.4", proxies())).toBeNull();
    expect(resolveClientIp(null, "198.51.100.4", proxies())).toBeNull();
    expect(resolveClientIp("10.1", null, proxies())).toBeNull();
  });
});

describe("parseIp", () => {
  it("accepts full IPv4 and IPv6 addresses, trimmed and unbracketed", () => {
    expect(parseIp(" 198.51.100.4 ")?.toString()).toBe("198.51.100.4");
    expect(parseIp("[::1]")?.toString()).toBe("::1");
    expect(parseIp("::ffff:198.51.100.4")?.toString()).toBe("198.51.100.4");
    expect(parseIp("::ffff:198.51.100.4")?.kind()).toBe("ipv4");
  });

  it("refuses shorthand, junk and half brackets", () => {
    for (const text of [
      "10.1",
      "10",
      "1.2.3",
      "0x7f.1.1.1",
      "",
      null,
      undefined,
      "a[::1]",
      "[::1]1",
    ]) {
      expect(parseIp(text)).toBeNull();
    }
  });
});

describe("parseTrustedProxies", () => {
  it("accepts addresses and CIDRs separated by commas and spaces", () => {
    const ranges = parseTrustedProxies(" 127.0.0.1 , 10.0.0.0/8,, ::1 ");
    expect(ranges.map(([addr, bits]) => `${addr.toString()}/${bits}`)).toEqual([
      "127.0.0.1/32",
      "10.0.0.0/8",
      "::1/128",
    ]);
    expect(parseTrustedProxies("")).toEqual([]);
  });

  it("rejects anything else with the entry named", () => {
    expect(() => parseTrustedProxies("10.0.0.0/33")).toThrow(
      'TRUSTED_PROXIES: "10.0.0.0/33" is not a valid CIDR',
    );
    expect(() => parseTrustedProxies("127.0.0.1, proxy.local")).toThrow(
      'TRUSTED_PROXIES: "proxy.local" is not a valid IP address',
    );
  });

  it("trusts a bare address alone, not its neighbours", () => {
    const ranges = parseTrustedProxies("127.0.0.1, ::1");
    expect(isTrustedPeer("127.0.0.1", ranges)).toBe(true);
    expect(isTrustedPeer("127.0.0.2", ranges)).toBe(false);
    expect(isTrustedPeer("::1", ranges)).toBe(true);
    expect(isTrustedPeer("::2", ranges)).toBe(false);
    expect(resolveClientIp("::2", "198.51.100.4", ranges)).toBe("::2");
  });

  it("trusts every address inside a CIDR and none outside it", () => {
    const ranges = parseTrustedProxies("10.0.0.0/8, 2001:db8::/32");
    expect(isTrustedPeer("10.255.0.1", ranges)).toBe(true);
    expect(isTrustedPeer("11.0.0.1", ranges)).toBe(false);
    expect(isTrustedPeer("2001:db8:ffff::1", ranges)).toBe(true);
    expect(isTrustedPeer("2001:db9::1", ranges)).toBe(false);
    expect(isTrustedPeer("not-an-ip", ranges)).toBe(false);
    expect(isTrustedPeer(null, ranges)).toBe(false);
  });
});
