"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { signIn } from "@/lib/auth/auth";
import { credentialsSchema } from "@/lib/auth/authenticate";
import { safeCallbackPath } from "@/lib/auth/callback-path";

export type SignInState = {
  error?: string;
  fieldErrors?: { email?: string[]; password?: string[] };
  email?: string;
};

export async function signInAction(_prev: SignInState, formData: FormData): Promise<SignInState> {
  const input = { email: formData.get("email"), password: formData.get("password") };
  const parsed = credentialsSchema.safeParse({
    email: typeof input.email === "string" ? input.email : "",
    password: typeof input.password === "string" ? input.password : "",
  });
  const email = typeof input.email === "string" ? input.email : "";
  if (!parsed.success) {
    return { fieldErrors: parsed.error.flatten().fieldErrors, email };
  }
  try {
    await signIn("credentials", {
      ...parsed.data,
      redirectTo: safeCallbackPath(formData.get("callbackUrl")),
    });
    return {};
  } catch (err) {
    // signIn redirects by throwing; only authentication failures are answered here.
    if (err instanceof CredentialsSignin && err.code === "throttled") {
      return {
        error: "Too many failed sign-ins from this address. Wait a few minutes and try again.",
        email,
      };
    }
    if (err instanceof AuthError) return { error: "Invalid email or password.", email };
    throw err;
  }
}
