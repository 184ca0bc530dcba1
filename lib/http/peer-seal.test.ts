import { afterEach, describe, expect, it } from "vitest";
import { readConfig } from "@/lib/config";
import { baseUrlFromHeaders } from "./base-url";
import { parseTrustedProxies, PEER_IP_HEADER } from "./client-ip";
import {
  createPeerSealSecret,
  PEER_SEAL_HEADER,
  REQUEST_ID_HEADER,
  sealPeerHeaders,
  unsealPeerHeaders,
} from "./peer-seal";
import { requestContextFrom } from "./request-context";

const SECRET_KEY = Symbol.for("trunkline.peerSealSecret");
/** As if the app were started without scripts/start.ts (e.g. `next start`): no secret. */
const forgetSecret = () => {
  delete (globalThis as Record<symbol, unknown>)[SECRET_KEY];
};
afterEach(forgetSecret);

/** Headers as scripts/start.ts hands them to Next: the client's, then the sealed facts. */
function fromServer(peer: string, client: Record<string, string> = {}): Headers {
  const bag: Record<string, string | string[] | undefined> = { ...client };
  sealPeerHeaders(bag, peer, "0f9b8c1e-1d2c-4c3b-9a8b-7c6d5e4f3a2b");
  return new Headers(bag as Record<string, string>);
}

describe("sealed peer headers", () => {
  it("are believed when sealed by this process's server", () => {
    createPeerSealSecret();
    const headers = fromServer("203.0.113.7");
    expect(unsealPeerHeaders(headers)).toEqual({
      peer: "203.0.113.7",
      requestId: "0f9b8c1e-1d2c-4c3b-9a8b-7c6d5e4f3a2b",
    });
    expect(requestContextFrom(headers)).toMatchObject({
      ip: "203.0.113.7",
      requestId: "0f9b8c1e-1d2c-4c3b-9a8b-7c6d5e4f3a2b",
    });
  });

  it("replace whatever the client sent in them", () => {
    createPeerSealSecret();
    const headers = fromServer("203.0.113.7", {
      [PEER_IP_HEADER]: "1.2.3.4",
      [REQUEST_ID_HEADER]: "forged-request-id",
      [PEER_SEAL_HEADER]: "forged",
    });
    expect(requestContextFrom(headers)).toMatchObject({ ip: "203.0.113.7" });
    expect(requestContextFrom(headers).requestId).not.toBe("forged-request-id");
  });

  it("are ignored when forged: no seal, a wrong seal, or a seal of other values", () => {
    createPeerSealSecret();
    const sealed = fromServer("203.0.113.7");
    const forgeries: Record<string, string>[] = [
      { [PEER_IP_HEADER]: "1.2.3.4", [REQUEST_ID_HEADER]: "forged-request-id" },
      {
        [PEER_IP_HEADER]: "1.2.3.4",
        [REQUEST_ID_HEADER]: "forged-request-id",
        [PEER_SEAL_HEADER]: "AAAA",
      },
      // a genuine seal replayed with another address or request id
      {
        [PEER_IP_HEADER]: "1.2.3.4",
        [REQUEST_ID_HEADER]: sealed.get(REQUEST_ID_HEADER)!,
        [PEER_SEAL_HEADER]: sealed.get(PEER_SEAL_HEADER)!,
      },
      {
        [PEER_IP_HEADER]: "203.0.113.7",
        [REQUEST_ID_HEADER]: "forged-request-id",
        [PEER_SEAL_HEADER]: sealed.get(PEER_SEAL_HEADER)!,
      },
    ];
    for (const forged of forgeries) {
      const context = requestContextFrom(new Headers(forged));
      expect(context.ip).toBeNull();
      expect(context.requestId).not.toBe("forged-request-id");
    }
  });

  it("are ignored entirely when the app was not started by its own server", () => {
    createPeerSealSecret();
    const sealedHere = fromServer("203.0.113.7");
    forgetSecret();
    // Under `next start` nothing replaces the client's copies: they must not count.
    const forged = new Headers({
      [PEER_IP_HEADER]: "127.0.0.1",
      [REQUEST_ID_HEADER]: "forged-request-id",
      "x-forwarded-for": "6.6.6.6",
    });
    expect(requestContextFrom(forged).ip).toBeNull();
    expect(requestContextFrom(forged).requestId).not.toBe("forged-request-id");
    expect(requestContextFrom(sealedHere).ip).toBeNull();
  });

  it("honour X-Forwarded-For only when the sealed peer is a trusted proxy", () => {
    createPeerSealSecret();
    const previous = process.env.TRUSTED_PROXIES;
    process.env.TRUSTED_PROXIES = "10.0.0.0/8";
    try {
      expect(
        requestContextFrom(fromServer("10.1.2.3", { "x-forwarded-for": "198.51.100.4" })).ip,
      ).toBe("198.51.100.4");
      expect(
        requestContextFrom(fromServer("203.0.113.7", { "x-forwarded-for": "198.51.100.4" })).ip,
      ).toBe("203.0.113.7");
      // A client claiming to be the trusted proxy in the peer header gets nowhere.
      const claimed = new Headers({
        [PEER_IP_HEADER]: "10.1.2.3",
        "x-forwarded-for": "198.51.100.4",
      });
      expect(requestContextFrom(claimed).ip).toBeNull();
    } finally {
      if (previous === undefined) delete process.env.TRUSTED_PROXIES;
      else process.env.TRUSTED_PROXIES = previous;
    }
  });
});

describe("baseUrlFromHeaders", () => {
  const trusted = parseTrustedProxies("10.0.0.0/8");

  it("uses the Host header when no trusted proxy forwarded the request", () => {
    createPeerSealSecret();
    const headers = fromServer("203.0.113.7", {
      host: "trunkline.example:3000",
      "x-forwarded-host": "evil.example",
      "x-forwarded-proto": "https",
    });
    expect(baseUrlFromHeaders(headers, trusted)).toBe("http://trunkline.example:3000");
  });

  it("uses X-Forwarded-Host and -Proto from a trusted proxy (the value it wrote, the last)", () => {
    createPeerSealSecret();
    const headers = fromServer("10.0.0.5", {
      host: "internal:3000",
      "x-forwarded-host": "evil.example, portal.example.com",
      "x-forwarded-proto": "https",
    });
    expect(baseUrlFromHeaders(headers, trusted)).toBe("https://portal.example.com");
  });

  it("ignores forwarding headers when the peer header is forged", () => {
    createPeerSealSecret();
    const headers = new Headers({
      [PEER_IP_HEADER]: "10.0.0.5",
      host: "trunkline.example",
      "x-forwarded-host": "evil.example",
    });
    expect(baseUrlFromHeaders(headers, trusted)).toBe("http://trunkline.example");
  });

  it("never puts a hostile host in a link", () => {
    createPeerSealSecret();
    for (const host of [
      "evil.example/path?x=",
      "evil.example@trunkline.example",
      "a b",
      "evil.example:99999999",
      "evil.example:99999",
      "<script>",
      "",
    ]) {
      const direct = fromServer("203.0.113.7", { host });
      expect(baseUrlFromHeaders(direct, trusted)).toBe("http://localhost:3000");
      const proxied = fromServer("10.0.0.5", { host: "ok.example", "x-forwarded-host": host });
      expect(baseUrlFromHeaders(proxied, trusted)).toBe("http://ok.example");
    }
    const badProto = fromServer("10.0.0.5", {
      host: "ok.example",
      "x-forwarded-proto": "javascript",
    });
    expect(baseUrlFromHeaders(badProto, trusted)).toBe("http://ok.example");
  });
});

describe("APP_URL", () => {
  const env = (APP_URL: string) => ({ NODE_ENV: "test", APP_URL }) as const;
  it("is reduced to its origin, and anything but http(s) is refused", () => {
    expect(readConfig(env("https://portal.example.com/some/path")).APP_URL).toBe(
      "https://portal.example.com",
    );
    expect(readConfig(env("")).APP_URL).toBeUndefined();
    expect(() => readConfig(env("javascript:alert(1)"))).toThrow(/APP_URL/);
    expect(() => readConfig(env("not a url"))).toThrow(/APP_URL/);
  });
});
