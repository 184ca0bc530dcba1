import { headers } from "next/headers";

/**
 * The absolute origin for links in emails: APP_URL when set (behind a proxy the request's host may
 * be internal), otherwise the host the admin is using.
 */
export async function requestBaseUrl(): Promise<string> {
  const configured = process.env.APP_URL?.trim();
  if (configured) return configured;
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost:3000";
  const proto = h.get("x-forwarded-proto") ?? (host.startsWith("localhost") ? "http" : "https");
  return `${proto}://${host}`;
}
