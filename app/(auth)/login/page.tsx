import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getSignedInUser } from "@/lib/auth/session";
import { TWO_FACTOR_PATH } from "@/lib/totp/paths";
import { homePathFor } from "@/lib/auth/roles";
import { safeCallbackPath } from "@/lib/auth/callback-path";
import { LoginForm } from "./_components/login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string | string[] }>;
}) {
  const user = await getSignedInUser();
  if (user) redirect(user.mustEnrolTotp ? TWO_FACTOR_PATH : homePathFor(user.role));
  const { callbackUrl } = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-xl font-semibold">Sign in to Trunkline</h1>
        <p className="mt-1 mb-6 text-sm text-slate-600">Control Panel and Customer Portal</p>
        <LoginForm callbackUrl={safeCallbackPath(callbackUrl)} />
      </div>
    </main>
  );
}
