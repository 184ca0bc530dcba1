import { expect, test, type APIResponse } from "@playwright/test";
import { DEMO, signIn } from "./fixtures";

/**
 * Every kind of response the app gives carries the security headers (lib/http/security-headers.ts,
 * set by `npm start`'s server): a page, a route handler, a REST API answer, one of Next's static
 * files and a portal asset. The harness serves plain HTTP on localhost, so HSTS must be absent —
 * also when a client claims HTTPS in X-Forwarded-Proto, since it is no trusted proxy.
 */

function expectSecurityHeaders(res: APIResponse, what: string) {
  const headers = res.headers();
  expect(headers["referrer-policy"], what).toBe("same-origin");
  expect(headers["x-content-type-options"], what).toBe("nosniff");
  expect(headers["x-frame-options"], what).toBe("DENY");
  const policy = headers["permissions-policy"] ?? "";
  for (const feature of ["camera", "microphone", "geolocation", "payment", "usb"]) {
    expect(policy, what).toContain(`${feature}=()`);
  }
  expect(headers["strict-transport-security"], what).toBeUndefined();
}

test("[headers] pages, handlers, the API and static files all carry the security headers", async ({
  request,
}) => {
  const page = await request.get("/login");
  expect(page.status()).toBe(200);
  expectSecurityHeaders(page, "page /login");
  // The page keeps its own CSP from the proxy, which forbids framing as X-Frame-Options does.
  expect(page.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");

  const openapi = await request.get("/api/v1/openapi.json");
  expect(openapi.status()).toBe(200);
  expectSecurityHeaders(openapi, "route handler /api/v1/openapi.json");

  const api = await request.get("/api/v1/accounts");
  expect(api.status()).toBe(401);
  expectSecurityHeaders(api, "API answer 401");

  // The proxy's redirect of a visitor without a session, from an export's route.
  const exportRedirect = await request.get("/audit-log/export?format=csv", { maxRedirects: 0 });
  expect(exportRedirect.status()).toBe(307);
  expectSecurityHeaders(exportRedirect, "redirect from /audit-log/export");

  const asset = /\/_next\/static\/[^"']+\.js/.exec(await page.text())?.[0];
  expect(asset, "the login page loads a script from /_next/static").toBeTruthy();
  const staticFile = await request.get(asset!);
  expect(staticFile.status()).toBe(200);
  expectSecurityHeaders(staticFile, `static file ${asset}`);

  // No such file: the portal-assets handler's own 404.
  const portalAsset = await request.get(`/portal-assets/custom/${"0".repeat(64)}.css`);
  expect(portalAsset.status()).toBe(404);
  expectSecurityHeaders(portalAsset, "portal asset");

  const spoofed = await request.get("/login", { headers: { "X-Forwarded-Proto": "https" } });
  expectSecurityHeaders(spoofed, "X-Forwarded-Proto from a client that is no trusted proxy");
});

test("[headers] the session cookie after sign-in is HttpOnly and SameSite=Lax", async ({
  browser,
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, DEMO.branding.email);
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === "authjs.session-token");
  expect(session, `cookies: ${cookies.map((c) => c.name).join(", ")}`).toBeDefined();
  expect(session!.httpOnly).toBe(true);
  expect(session!.sameSite).toBe("Lax");
  // Plain http://localhost (no https APP_URL): a Secure cookie would not be sent back.
  expect(session!.secure).toBe(false);
  await context.close();
});
