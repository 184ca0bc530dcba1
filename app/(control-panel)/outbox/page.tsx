import type { Metadata } from "next";
import { connection } from "next/server";
import { getDb } from "@/db/client";
import { requirePermission } from "@/lib/auth/session";
import { listOutbox } from "@/lib/email/outbox";

export const metadata: Metadata = { title: "Email outbox" };

/**
 * Every email the product queued, newest first, bodies included: without SMTP this page is how
 * set-password links are delivered, so it is admin only. With SMTP, links are masked once sent.
 */
export default async function OutboxPage() {
  await connection();
  const viewer = await requirePermission("outbox:read");
  const mails = await listOutbox(await getDb());
  const smtp = Boolean(process.env.SMTP_URL?.trim());
  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-xl font-semibold">Email outbox</h1>
        <p className="text-sm text-slate-600">
          {smtp
            ? "Mail is delivered over SMTP; each message shows whether it was sent. Once a message is handed to SMTP, the set-password link in its copy here is masked."
            : "No mail server is configured (SMTP_URL): messages stay here, queued."}
        </p>
      </header>
      {mails.length === 0 ? <p className="text-sm text-slate-500">No emails yet.</p> : null}
      <ul className="space-y-4" data-testid="outbox">
        {mails.map((m) => (
          <li
            key={m.id}
            data-testid="outbox-message"
            className="rounded-lg border border-slate-200 bg-white p-4"
          >
            <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
              <span>
                <span className="font-medium">To:</span> {m.toAddress}
              </span>
              <span className="text-slate-500">
                {m.kind.replaceAll("_", " ")} · {m.status}
                {m.error ? ` (${m.error})` : ""} ·{" "}
                <time dateTime={m.createdAt.toISOString()}>
                  {m.createdAt.toLocaleString("en-GB", {
                    timeZone: viewer.timeZone,
                    dateStyle: "medium",
                    timeStyle: "short",
                  })}
                </time>
              </span>
            </div>
            <p className="mt-1 text-sm font-medium">{m.subject}</p>
            <pre className="mt-2 overflow-x-auto rounded bg-slate-50 p-3 text-sm whitespace-pre-wrap">
              {m.bodyText}
            </pre>
          </li>
        ))}
      </ul>
    </div>
  );
}
