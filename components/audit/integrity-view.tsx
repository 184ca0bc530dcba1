import type { IntegrityProblem, IntegrityStatus } from "@/lib/audit-integrity/status";

const PROBLEM_LABELS: Record<string, string> = {
  changed: "Changed",
  reordered: "Reordered",
  deleted: "Deleted",
  inserted: "Inserted out of band",
  "chain-broken": "Chain broken",
  "checkpoint-mismatch": "Checkpoint mismatch",
  "checkpoint-file": "Checkpoint file",
  "cut-mismatch": "Retention cut mismatch",
};

const count = (n: number) => n.toLocaleString("en-US");

function When({ at, timeZone }: { at: Date; timeZone: string }) {
  return (
    <time dateTime={at.toISOString()}>
      {at.toLocaleString("en-GB", { timeZone, dateStyle: "medium", timeStyle: "medium" })}
    </time>
  );
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="font-medium text-slate-600">{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** The last verification of the audit chain, its problems, and the latest external checkpoint. */
export function IntegrityView({ status, timeZone }: { status: IntegrityStatus; timeZone: string }) {
  const { last, checkpoint } = status;
  return (
    <div className="space-y-8">
      <section aria-labelledby="last-heading" className="space-y-3">
        <h2 id="last-heading" className="font-semibold">
          Last verification
        </h2>
        {last ? (
          <>
            <p
              data-testid="verification-outcome"
              className={`rounded-md px-3 py-2 text-sm font-medium ${
                last.ok ? "bg-green-50 text-green-800" : "bg-red-50 text-red-700"
              }`}
            >
              {last.ok
                ? `The audit log is intact: ${count(last.checkedEntries)} sealed entries verified.`
                : `Verification failed: ${count(last.problems.length)} ${
                    last.problems.length === 1 ? "problem" : "problems"
                  } in ${count(last.checkedEntries)} sealed entries.`}
            </p>
            <dl className="grid max-w-3xl grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-2">
              <Field label="Finished">
                <When at={last.finishedAt} timeZone={timeZone} />
              </Field>
              <Field label="Run by">{last.requestedBy}</Field>
              <Field label="Result">{last.ok ? "Intact" : "Failed"}</Field>
              <Field label="Entries checked">{count(last.checkedEntries)}</Field>
              <Field label="Not yet sealed">
                {count(last.unsealedEntries)}
                {last.unsealedEntries > 0 ? (
                  <span className="text-slate-500">
                    {" "}
                    (newer than the last seal, not yet provable)
                  </span>
                ) : null}
              </Field>
              <Field label="Chain ends at entry">
                {last.sealedHeadId ? count(last.sealedHeadId) : "none sealed"}
              </Field>
              <Field label="Compared with checkpoint">
                {last.checkpointLastId === null
                  ? "no checkpoint"
                  : `entry ${count(last.checkpointLastId)}`}
              </Field>
            </dl>
            {last.problems.length > 0 ? <Problems problems={last.problems} /> : null}
          </>
        ) : (
          <p className="text-sm text-slate-500">The audit log has not been verified yet.</p>
        )}
      </section>

      <section aria-labelledby="checkpoint-heading" className="space-y-3">
        <h2 id="checkpoint-heading" className="font-semibold">
          Latest external checkpoint
        </h2>
        <p className="text-sm text-slate-600">
          The chain&rsquo;s head, written outside the database
          {status.postsCheckpoints ? " (to a file and to an HTTP endpoint)" : " (to a file)"}, so
          that rewriting the whole chain is detected too.
        </p>
        {checkpoint ? (
          <dl
            data-testid="latest-checkpoint"
            className="grid max-w-3xl grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-2"
          >
            <Field label="Last entry">{count(checkpoint.lastId)}</Field>
            <Field label="Written">
              <When at={new Date(checkpoint.at)} timeZone={timeZone} />
            </Field>
          </dl>
        ) : (
          <p className="text-sm text-slate-500">No checkpoint has been written yet.</p>
        )}
        {status.invalidCheckpointLines > 0 ? (
          <p className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            The checkpoint file has {count(status.invalidCheckpointLines)}{" "}
            {status.invalidCheckpointLines === 1 ? "line that is" : "lines that are"} not a
            checkpoint.
          </p>
        ) : null}
      </section>
    </div>
  );
}

function Problems({ problems }: { problems: IntegrityProblem[] }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-sm" data-testid="verification-problems">
        <caption className="px-3 py-2 text-left font-medium">Problems found</caption>
        <thead className="bg-slate-50 text-left text-slate-600">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">
              Kind
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Entry
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Detail
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {problems.map((p, i) => (
            <tr key={i}>
              <td className="px-3 py-2">{PROBLEM_LABELS[p.kind] ?? p.kind}</td>
              <td className="px-3 py-2 tabular-nums">{p.entryId ?? "–"}</td>
              <td className="px-3 py-2">{p.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
