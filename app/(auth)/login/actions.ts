"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import type { ActionResult } from "@/lib/actions/result";
import { signIn } from "@/lib/auth/auth";
import { credentialsSchema } from "@/lib/auth/authenticate";
import { safeCallbackPath } from "@/lib/auth/callback-path";

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
    await signIn("credentials", {
      ...parsed.data,
      redirectTo: safeCallbackPath(formData.get("callbackUrl")),
    });
    return { status: "idle" };
  } catch (err) {
    // signIn redirects by throwing; only authentication failures are answered here.
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
}
