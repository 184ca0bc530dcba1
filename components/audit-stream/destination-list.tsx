import type { StreamDestinationStatus } from "@/lib/audit/stream/status";
import { LAG_COUNT_LIMIT } from "@/lib/audit/stream/status";
import { DestinationActions } from "./destination-actions";

const KIND_LABELS: Record<string, string> = {
  webhook: "HTTPS webhook",
  syslog: "Syslog",
  file: "NDJSON file",
};

function When({ at, timeZone }: { at: Date; timeZone: string }) {
  return (
    <time dateTime={at.toISOString()}>
      {at.toLocaleString("en-GB", { timeZone, dateStyle: "medium", timeStyle: "medium" })}
    </time>
  );
}

function age(from: Date, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - from.getTime()) / 1000));
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} days`;
}

function Item({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="font-medium text-slate-600">{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** Each destination's delivery status and its actions. */
export function DestinationList({
  destinations,
  timeZone,
  now,
  actions,
}: {
  destinations: StreamDestinationStatus[];
  timeZone: string;
  now: Date;
  actions: React.ComponentProps<typeof DestinationActions>["actions"];
}) {
  if (destinations.length === 0) {
    return <p className="text-sm text-slate-600">No destinations yet: nothing is streamed.</p>;
  }
  return (
    <ul className="space-y-4">
      {destinations.map((d) => (
        <li key={d.id}>
          <section
            aria-labelledby={`destination-${d.id}`}
            data-testid="stream-destination"
            className="space-y-3 rounded-lg border border-slate-200 bg-white p-4"
          >
            <h3 id={`destination-${d.id}`} className="font-semibold">
              {d.name}{" "}
              <span
                className={`ml-2 rounded px-2 py-0.5 text-xs font-medium ${
                  d.enabled ? "bg-green-50 text-green-800" : "bg-slate-100 text-slate-700"
                }`}
              >
                {d.enabled ? "Enabled" : "Paused"}
              </span>
            </h3>
            <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-3">
              <Item label="Kind">{KIND_LABELS[d.kind] ?? d.kind}</Item>
              <Item label="Target">
                <span className="break-all">{d.target}</span>
              </Item>
              <Item label="Last delivered id">
                <span data-testid="delivered-through">{d.deliveredThrough}</span>
                {d.lastDeliveredAt ? (
                  <>
                    {" "}
                    (<When at={d.lastDeliveredAt} timeZone={timeZone} />)
                  </>
                ) : null}
              </Item>
              <Item label="Lag">
                <span data-testid="lag">
                  {d.behind === 0
                    ? "Up to date"
                    : `${d.behind >= LAG_COUNT_LIMIT ? `${LAG_COUNT_LIMIT.toLocaleString("en-US")}+` : d.behind.toLocaleString("en-US")} ${d.behind === 1 ? "entry" : "entries"} behind${
                        d.oldestUndeliveredAt
                          ? `, oldest ${age(d.oldestUndeliveredAt, now)} old`
                          : ""
                      }`}
                </span>
              </Item>
              <Item label="Last error">
                {d.lastError && d.lastErrorAt ? (
                  <span className="text-red-700">
                    {d.lastError} (<When at={d.lastErrorAt} timeZone={timeZone} />)
                  </span>
                ) : (
                  "None"
                )}
              </Item>
              {d.attempts > 0 ? (
                <Item label="Retrying">
                  {d.attempts} failed {d.attempts === 1 ? "attempt" : "attempts"}; next at{" "}
                  <When at={d.nextAttemptAt} timeZone={timeZone} />
                </Item>
              ) : null}
            </dl>
            <DestinationActions
              id={d.id}
              name={d.name}
              enabled={d.enabled}
              nextFromId={d.deliveredThrough + 1}
              actions={actions}
            />
          </section>
        </li>
      ))}
    </ul>
  );
}
