"use server";

import { redirect } from "next/navigation";
import { AuthError, CredentialsSignin } from "next-auth";
import { getDb } from "@/db/client";
import type { ActionResult } from "@/lib/actions/result";
import { signIn } from "@/lib/auth/auth";
import { credentialsSchema, findRoleByEmail } from "@/lib/auth/authenticate";
import { landingPath, safeCallbackPath } from "@/lib/auth/callback-path";
import { homePathFor } from "@/lib/auth/roles";

export async function signInAction(
  _prev: ActionResult<never>,
  formData: FormData,
): Promise<ActionResult<never>> {
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
    await signIn("credentials", { ...parsed.data, redirect: false });
  } catch (err) {
    // A refused sign-in throws even without a redirect; only those failures are answered here.
    if (err instanceof CredentialsSignin && err.code === "throttled") {
      return {
        status: "error",
        error: "Too many failed sign-ins from this address. Wait a few minutes and try again.",
        values,
      };
    }
    if (err instanceof AuthError) {
      return { status: "error", error: "Invalid email or password.", values };
    }
    throw err;
  }
  // Signed in: the role decides which application is home.
  const role = await findRoleByEmail(await getDb(), parsed.data.email);
  const callback = safeCallbackPath(formData.get("callbackUrl"));
  redirect(role ? landingPath(callback, homePathFor(role)) : callback);
}
