import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { getDb } from "@/db/client";
import { requirePortalUser } from "@/lib/auth/session";
import { requirePortalFeature } from "@/lib/portal/feature-gate";
import { findPortalUser } from "@/lib/portal/users";
import { formatSignIn, STATUS_STYLE } from "../_components/format";
import { StatusButton } from "../_components/status-button";
import { setPortalUserStatusAction } from "../actions";

export const metadata: Metadata = { title: "User" };

export default async function PortalUserPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const viewer = await requirePortalUser();
  await requirePortalFeature("users");
  const id = Number((await params).id);
  if (!Number.isSafeInteger(id) || id <= 0) notFound();
  // Scoped to the viewer's account: another account's user (or staff) is simply not found.
  const user = await findPortalUser(await getDb(), viewer.accountId, id);
  if (!user) notFound();
  const self = user.id === viewer.id;
  const facts: [string, React.ReactNode][] = [
    ["Email", user.email],
    [
      "Status",
      <span key="s" className={`rounded px-2 py-0.5 text-xs ${STATUS_STYLE[user.status] ?? ""}`}>
        {user.status}
      </span>,
    ],
    ["Portal administrator", user.portalAdmin ? "Yes" : "No"],
    ["Last sign-in", formatSignIn(user.lastSignInAt, viewer.timeZone)],
    ["Added", formatSignIn(user.createdAt, viewer.timeZone)],
  ];
  return (
    <div className="space-y-6">
      <header>
        <Link href="/portal/users" className="text-sm text-brand underline">
          ← Users
        </Link>
        <h1 className="mt-1 text-xl font-semibold">
          {user.name}
          {self ? <span className="ml-2 text-sm font-normal text-slate-500">(you)</span> : null}
        </h1>
      </header>
      <dl className="grid max-w-3xl grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-2">
        {facts.map(([label, value]) => (
          <div key={label}>
            <dt className="text-slate-500">{label}</dt>
            <dd className="font-medium">{value}</dd>
          </div>
        ))}
      </dl>
      {viewer.portalAdmin ? (
        <section className="max-w-md rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="mb-3 font-semibold">Access</h2>
          {self ? (
            <p className="text-sm text-slate-600">You cannot disable yourself.</p>
          ) : (
            <StatusButton
              action={setPortalUserStatusAction}
              userId={user.id}
              name={user.name}
              disabled={user.status === "disabled"}
            />
          )}
        </section>
      ) : null}
    </div>
  );
}
