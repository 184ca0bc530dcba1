import { headers } from "next/headers";
import { readConfig } from "@/lib/config";
import { baseUrlFromHeaders } from "./base-url";
import { trustedProxies } from "./request-context";

/**
 * The absolute origin for links in emails: APP_URL when set (behind a proxy the request's host may
 * be internal), otherwise the host the admin is using, as far as no untrusted header chose it.
 */
export async function requestBaseUrl(): Promise<string> {
  const configured = readConfig().APP_URL;
  if (configured) return configured;
  return baseUrlFromHeaders(await headers(), trustedProxies());
}
