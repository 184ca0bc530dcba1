"use server";

import { headers } from "next/headers";
import { getDb } from "@/db/client";
import { AppError } from "@/lib/errors";
import { requestContextFrom } from "@/lib/http/request-context";
import { setPasswordSchema } from "@/lib/users/schemas";
import { setPasswordWithToken } from "@/lib/users/set-password-with-token";

export type SetPasswordState = {
  done?: boolean;
  error?: string;
  fieldErrors?: Record<string, string[]>;
};

/**
 * Not an operation: whoever holds the link is not signed in. The token is the credential, and
 * the audit entry names the link's owner as the actor.
 */
export async function setPasswordAction(
  _prev: SetPasswordState,
  formData: FormData,
): Promise<SetPasswordState> {
  const parsed = setPasswordSchema.safeParse({
    token: formData.get("token") ?? "",
    password: formData.get("password") ?? "",
    confirm: formData.get("confirm") ?? "",
  });
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) {
      (fieldErrors[issue.path.join(".") || "_form"] ??= []).push(issue.message);
    }
    if (fieldErrors.token) return { error: fieldErrors.token.join(" ") };
    return { error: "Check the highlighted fields.", fieldErrors };
  }
  try {
    await setPasswordWithToken(
      await getDb(),
      requestContextFrom(await headers()),
      parsed.data.token,
      parsed.data.password,
    );
    return { done: true };
  } catch (err) {
    if (err instanceof AppError) return { error: err.message };
    console.error("[set-password]", err instanceof Error ? err.message : err);
    return { error: "Something went wrong. Try again in a moment." };
  }
}
