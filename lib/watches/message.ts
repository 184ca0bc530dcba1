import type { AuditListRow } from "@/lib/audit/queries/audit-log";
import type { OutgoingEmail } from "@/lib/email/outbox";

/**
 * A notification's words. Rows come from the owner's own page query (their columns only), so
 * whatever is absent from a row is absent here too: nothing is added from elsewhere.
 */

export type NotifiedWatch = { id: number; name: string; query: string };
export type Owner = { id: number; email: string; accountId: number | null; timeZone: string };

const when = (at: Date, timeZone: string) =>
  new Intl.DateTimeFormat("sv-SE", {
    timeZone,
    dateStyle: "short",
    timeStyle: "medium",
  }).format(at);

const plural = (n: number, one: string, many: string) =>
  `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

function entryLines(row: AuditListRow, timeZone: string): string[] {
  const head = [
    `#${row.id}`,
    row.occurredAt ? when(row.occurredAt, timeZone) : null,
    row.user ?? null,
    row.ip ?? null,
    row.action ?? null,
    row.tableName ? `${row.tableName}${row.recordPk ? ` ${row.recordPk}` : ""}` : row.recordPk,
  ].filter((part): part is string => !!part);
  const lines = [head.join("  ")];
  if (row.message) lines.push(`  ${row.message}`);
  if (row.comment) lines.push(`  Reason: ${row.comment}`);
  return lines;
}

export function watchEmail(
  watch: NotifiedWatch,
  owner: Owner,
  rows: readonly AuditListRow[],
  total: number,
  auditPageUrl: string | null,
): OutgoingEmail {
  const more = total - rows.length;
  return {
    kind: "watch",
    toAddress: owner.email,
    subject: `Watch "${watch.name}": ${plural(total, "new audit entry", "new audit entries")}`,
    bodyText: [
      `Your watch "${watch.name}" matched ${plural(total, "new audit entry", "new audit entries")}.`,
      `Search: ${watch.query || "(everything you can see)"}`,
      "",
      ...rows.flatMap((row) => entryLines(row, owner.timeZone)),
      ...(more > 0 ? ["", `… and ${plural(more, "more entry", "more entries")}.`] : []),
      ...(auditPageUrl ? ["", auditPageUrl] : []),
    ].join("\n"),
    userId: owner.id,
    accountId: owner.accountId,
  };
}
