"use server";

import { redirect } from "next/navigation";
import { AuthError, CredentialsSignin } from "next-auth";
import { getDb } from "@/db/client";
import type { ActionResult } from "@/lib/actions/result";
import { SecondFactorRequired, signIn } from "@/lib/auth/auth";
import { credentialsSchema } from "@/lib/auth/authenticate";
import { safeCallbackPath } from "@/lib/auth/callback-path";
import { landingAfterSignIn } from "@/lib/totp/landing";
import { newDeviceToken } from "@/lib/totp/codes";
import {
  dropTicket,
  keepDevice,
  keepTicket,
  readDeviceCookie,
  readTicketCookie,
} from "@/lib/totp/cookies";
import { readTicket } from "@/lib/totp/ticket";

/** "second_factor": the password was right; the form asks for the code next. */
export type SignInState = ActionResult<"second_factor">;

const THROTTLED = "Too many failed sign-ins from this address. Wait a few minutes and try again.";

export async function signInAction(_prev: SignInState, formData: FormData): Promise<SignInState> {
  const email = formData.get("email");
  const password = formData.get("password");
  const values = { email: typeof email === "string" ? email : "" };
  const parsed = credentialsSchema.safeParse({
    email: values.email,
    password: typeof password === "string" ? password : "",
  });
  if (!parsed.success) {
    return {
      status: "error",
      error: "Check the highlighted fields.",
      fieldErrors: parsed.error.flatten().fieldErrors,
      values,
    };
  }
  try {
    const device = (await readDeviceCookie()) ?? "";
    await signIn("credentials", { ...parsed.data, device, redirect: false });
  } catch (err) {
    if (err instanceof SecondFactorRequired) {
      await keepTicket(err.ticket);
      return { status: "ok", data: "second_factor" };
    }
    // A refused sign-in throws even without a redirect; only those failures are answered here.
    if (err instanceof CredentialsSignin && err.code === "throttled") {
      return { status: "error", error: THROTTLED, values };
    }
    if (err instanceof AuthError) {
      return { status: "error", error: "Invalid email or password.", values };
    }
    throw err;
  }
  // Signed in: the role decides which application is home.
  const callback = safeCallbackPath(formData.get("callbackUrl"));
  redirect(await landingAfterSignIn(await getDb(), { email: parsed.data.email }, callback));
}

/** The code step: the ticket from the password step (a cookie) and a code or recovery code. */
export async function secondFactorAction(
  _prev: SignInState,
  formData: FormData,
): Promise<SignInState> {
  const ticket = (await readTicketCookie()) ?? "";
  const uid = readTicket("second-factor", ticket)?.uid;
  if (!uid) {
    return { status: "error", error: "The sign-in took too long. Start again with your password." };
  }
  const code = formData.get("code");
  const remember = formData.get("remember") === "on";
  const rememberToken = remember ? newDeviceToken() : undefined;
  try {
    await signIn("credentials", {
      ticket,
      code: typeof code === "string" ? code : "",
      ...(rememberToken ? { rememberToken } : {}),
      redirect: false,
    });
  } catch (err) {
    if (err instanceof CredentialsSignin && err.code === "throttled") {
      return { status: "error", error: THROTTLED };
    }
    if (err instanceof AuthError) {
      return {
        status: "error",
        error: "Check the highlighted fields.",
        fieldErrors: { code: ["That code is not right, or the recovery code was already used."] },
      };
    }
    throw err;
  }
  await dropTicket();
  if (rememberToken) await keepDevice(rememberToken);
  const callback = safeCallbackPath(formData.get("callbackUrl"));
  redirect(await landingAfterSignIn(await getDb(), { id: uid }, callback));
}
