import type { Metadata } from "next";
import { MIN_PASSWORD_LENGTH } from "@/lib/users/schemas";
import { SetPasswordForm } from "./_components/set-password-form";

export const metadata: Metadata = { title: "Set your password", referrer: "no-referrer" };

/**
 * Opened from an invitation or reset email. The token is checked when the form is submitted (one
 * place decides validity, under a row lock), and the page never sends it to third parties.
 */
export default async function SetPasswordPage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string | string[] }>;
}) {
  const { token } = await searchParams;
  const value = typeof token === "string" ? token : "";
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-xl font-semibold">Set your password</h1>
        <p className="mt-1 mb-6 text-sm text-slate-600">Choose the password for your sign-in.</p>
        {value ? (
          <SetPasswordForm token={value} minLength={MIN_PASSWORD_LENGTH} />
        ) : (
          <p role="status" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            This link is incomplete. Open the link from your email again.
          </p>
        )}
      </div>
    </main>
  );
}
