import { cookies, headers } from "next/headers";
import { SECOND_FACTOR_TICKET_SECONDS } from "@/lib/auth/authenticate";
import { readConfig } from "@/lib/config";
import { DEVICE_COOKIE, REMEMBER_DAYS } from "./devices";

/**
 * The two cookies of two-factor sign-in, both HttpOnly and SameSite=Lax, Secure on HTTPS (as
 * Auth.js decides for its own: an https APP_URL, or the proxy's X-Forwarded-Proto).
 */
const TICKET_COOKIE = "trunkline.2fa-ticket";

async function secure(): Promise<boolean> {
  if (readConfig().APP_URL?.startsWith("https://")) return true;
  return (await headers()).get("x-forwarded-proto") === "https";
}

const options = async (maxAge: number, path = "/") => ({
  httpOnly: true,
  sameSite: "lax" as const,
  secure: await secure(),
  path,
  maxAge,
});

/** Between the password and the code step: only the sign-in page reads it. */
export async function keepTicket(ticket: string): Promise<void> {
  (await cookies()).set(
    TICKET_COOKIE,
    ticket,
    await options(SECOND_FACTOR_TICKET_SECONDS, "/login"),
  );
}
export const readTicketCookie = async () => (await cookies()).get(TICKET_COOKIE)?.value;
export async function dropTicket(): Promise<void> {
  (await cookies()).set(TICKET_COOKIE, "", await options(0, "/login"));
}

export const readDeviceCookie = async () => (await cookies()).get(DEVICE_COOKIE)?.value;
export async function keepDevice(token: string): Promise<void> {
  (await cookies()).set(DEVICE_COOKIE, token, await options(REMEMBER_DAYS * 24 * 60 * 60));
}
