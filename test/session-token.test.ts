import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { sessionTokenFrom } from "@/lib/auth/session-token";

const SECRET = "test-secret-0123456789abcdef0123456789abcdef";
const SID = "0b7f6a3e-5a43-4f8e-9d55-1f4f4c2f9a10";
const seal = (
  salt: string,
  claims: Record<string, unknown> = { uid: "7", sid: SID },
  maxAge = 60,
) => encode({ token: claims, secret: SECRET, salt, maxAge });

describe("sessionTokenFrom", () => {
  it("reads the ids from Auth.js's cookie, over HTTP or HTTPS", async () => {
    for (const name of ["authjs.session-token", "__Secure-authjs.session-token"]) {
      const cookies = [{ name, value: await seal(name) }];
      expect(await sessionTokenFrom(cookies, SECRET)).toEqual({ uid: "7", sid: SID });
    }
  });

  it("joins a cookie Auth.js split into chunks, in their order", async () => {
    const name = "authjs.session-token";
    const value = await seal(name);
    const third = Math.ceil(value.length / 3);
    const cookies = [2, 0, 1].map((i) => ({
      name: `${name}.${i}`,
      value: value.slice(i * third, (i + 1) * third),
    }));
    expect(await sessionTokenFrom(cookies, SECRET)).toEqual({ uid: "7", sid: SID });
  });

  it.each([
    ["no cookie", async () => []],
    [
      "another secret",
      async () => [
        {
          name: "authjs.session-token",
          value: await encode({
            token: { uid: "7", sid: SID },
            secret: "another-secret-0123456789abcdef0123",
            salt: "authjs.session-token",
          }),
        },
      ],
    ],
    [
      "another cookie name's seal",
      async () => [
        { name: "authjs.session-token", value: await seal("__Secure-authjs.session-token") },
      ],
    ],
    [
      "a tampered value",
      async () => [
        {
          name: "authjs.session-token",
          // The first character of the authentication tag: all six of its bits are data (the
          // last character's low bits are base64url padding, so changing it may change nothing).
          value: (await seal("authjs.session-token")).replace(
            /\.(.)([^.]*)$/,
            (_, c: string, rest) => `.${c === "A" ? "B" : "A"}${rest}`,
          ),
        },
      ],
    ],
    ["garbage", async () => [{ name: "authjs.session-token", value: "not-a-jwe" }]],
    [
      "an expired token",
      async () => [
        {
          name: "authjs.session-token",
          value: await seal("authjs.session-token", { uid: "7", sid: SID }, -3600),
        },
      ],
    ],
  ])("gives no session for %s", async (_label, cookies) => {
    expect(await sessionTokenFrom(await cookies(), SECRET)).toBeNull();
  });

  it("gives no session without a secret", async () => {
    const cookies = [{ name: "authjs.session-token", value: await seal("authjs.session-token") }];
    expect(await sessionTokenFrom(cookies, undefined)).toBeNull();
  });
});
