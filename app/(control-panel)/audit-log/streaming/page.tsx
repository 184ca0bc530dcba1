import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { DestinationForm } from "@/components/audit-stream/destination-form";
import { DestinationList } from "@/components/audit-stream/destination-list";
import { getDb } from "@/db/client";
import { streamPolicy } from "@/lib/audit/stream/policy";
import { listStreamDestinations } from "@/lib/audit/stream/status";
import { requirePermission } from "@/lib/auth/session";
import {
  createStreamDestinationAction,
  deleteStreamDestinationAction,
  replayStreamDestinationAction,
  sendStreamTestAction,
  setStreamDestinationEnabledAction,
  updateStreamDestinationAction,
} from "./actions";

export const metadata: Metadata = { title: "Streaming to a SIEM" };

/**
 * Where the audit log is streamed, and how far each destination has got. audit:stream (admin
 * only): anyone else gets the same 403 as other restricted pages. `?edit=<id>` puts that
 * destination in the form instead of a new one.
 */
export default async function AuditStreamingPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await connection();
  const viewer = await requirePermission("audit:stream");
  const destinations = await listStreamDestinations(await getDb());
  const { edit } = await searchParams;
  const editing = destinations.find((d) => String(d.id) === edit);
  const fileDestinations = streamPolicy().fileDir !== undefined;
  return (
    <div className="space-y-8">
      <header>
        <h1 className="text-xl font-semibold">Streaming to a SIEM</h1>
        <p className="text-sm text-slate-600">
          Every audit entry is sent to each enabled destination, in order, at least once: a receiver
          should ignore an entry id it already has. A failing destination is retried with increasing
          waits and keeps its place; replay sends again from an entry id.
        </p>
      </header>

      <section aria-labelledby="destinations-heading" className="space-y-3">
        <h2 id="destinations-heading" className="font-semibold">
          Destinations
        </h2>
        <DestinationList
          destinations={destinations}
          timeZone={viewer.timeZone}
          now={new Date()}
          actions={{
            test: sendStreamTestAction,
            setEnabled: setStreamDestinationEnabledAction,
            replay: replayStreamDestinationAction,
            remove: deleteStreamDestinationAction,
          }}
        />
      </section>

      <section
        aria-labelledby="destination-form-heading"
        className="rounded-lg border border-slate-200 bg-white p-4"
      >
        <h2 id="destination-form-heading" className="mb-3 font-semibold">
          {editing ? `Edit ${editing.name}` : "Add a destination"}
        </h2>
        {editing ? (
          <>
            <DestinationForm
              key={`edit-${editing.id}-${editing.version}`}
              action={updateStreamDestinationAction}
              editing={{
                id: editing.id,
                version: editing.version,
                name: editing.name,
                fields: editing.fields,
                hasSecret: editing.hasSecret,
              }}
              fileDestinations={fileDestinations}
            />
            <Link href="/audit-log/streaming" className="mt-3 inline-block text-sm underline">
              Cancel editing
            </Link>
          </>
        ) : (
          <DestinationForm
            key="new"
            action={createStreamDestinationAction}
            fileDestinations={fileDestinations}
          />
        )}
      </section>
    </div>
  );
}
