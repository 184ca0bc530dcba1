import type { Metadata } from "next";
import { connection } from "next/server";
import { requirePermission } from "@/lib/auth/session";
import { AccountForm } from "../_components/account-form";
import { createAccountAction } from "../actions";

export const metadata: Metadata = { title: "New account" };

export default async function NewAccountPage() {
  await connection();
  // Only roles that may create reach the form; the action checks again.
  await requirePermission("accounts:manage");
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">New account</h1>
      <AccountForm action={createAccountAction} values={{}} mode="create" />
    </div>
  );
}
