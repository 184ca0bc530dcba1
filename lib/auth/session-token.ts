import { decode } from "next-auth/jwt";

/**
 * The ids a request's session cookie carries, read without Auth.js's auth(): that call also
 * re-encrypts the cookie and builds a request on every page, which a page cannot use (it cannot
 * set cookies). The cookie is Auth.js's own JWE, decrypted the way Auth.js does (key derived
 * from AUTH_SECRET, salted with the cookie's name; `exp` checked). Whether the session it names
 * is still open is the database's to say (findSessionUser), as for auth().
 */

// Auth.js names the cookie by whether the site is served over HTTPS.
const SESSION_COOKIES = ["__Secure-authjs.session-token", "authjs.session-token"] as const;

type Cookie = { name: string; value: string };

/** A cookie over 4 KB is split into `name.0`, `name.1`, …: joined back in order, as Auth.js does. */
function cookieValue(cookies: readonly Cookie[], name: string): string | null {
  const whole = cookies.find((c) => c.name === name);
  if (whole) return whole.value;
  const chunks = cookies
    .filter((c) => c.name.startsWith(`${name}.`) && /^\d+$/.test(c.name.slice(name.length + 1)))
    .sort((a, b) => Number(a.name.slice(name.length + 1)) - Number(b.name.slice(name.length + 1)));
  return chunks.length > 0 ? chunks.map((c) => c.value).join("") : null;
}

export type SessionToken = { uid: unknown; sid: unknown };

export async function sessionTokenFrom(
  cookies: readonly Cookie[],
  secret: string | undefined,
): Promise<SessionToken | null> {
  if (!secret) return null;
  for (const name of SESSION_COOKIES) {
    const value = cookieValue(cookies, name);
    if (!value) continue;
    try {
      const token = await decode({ token: value, secret, salt: name });
      return token ? { uid: token.uid, sid: token.sid } : null;
    } catch {
      // Tampered, expired, or sealed with another secret: no session.
      return null;
    }
  }
  return null;
}
