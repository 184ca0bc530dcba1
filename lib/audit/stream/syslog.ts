import { hostname } from "node:os";
import type { StreamEntry } from "./payload";

/**
 * RFC 5424 lines for a syslog collector, framed by octet counting (RFC 6587 3.4.1) so an entry's
 * text can never be mistaken for a frame boundary:
 *   <110>1 2026-11-30T22:37:49.123456Z host trunkline 4242 UPDATE [trunkline@32473 id="…" …] BOM{json}
 * PRI 110 = facility 13 (log audit) × 8 + severity 6 (informational). The SD-ID's enterprise
 * number is RFC 5612's documentation number until Trunkline has its own.
 */

const PRI = 13 * 8 + 6;
const SD_ID = "trunkline@32473";
const BOM = "\uFEFF";

/** A header field: PRINTUSASCII only (33..126), at most `max`, "-" when nothing is left. */
function headerField(value: string | null | undefined, max: number): string {
  const clean = (value ?? "").replace(/[^\x21-\x7e]/g, "").slice(0, max);
  return clean || "-";
}

/** PARAM-VALUE: UTF-8 with '"', '\' and ']' escaped (RFC 5424 6.3.3). */
const paramValue = (value: string) => value.replace(/["\\\]]/g, (c) => `\\${c}`);

export type SyslogOrigin = { host: string; procId: string };

const localOrigin = (): SyslogOrigin => ({
  host: hostname(),
  procId: String(process.pid),
});

export function syslogLine(entry: StreamEntry, origin: SyslogOrigin = localOrigin()): string {
  const params: [string, string | null][] = [
    ["id", String(entry.id)],
    ["table", entry.tableName],
    ["pk", entry.recordPk],
    ["actor", entry.actorLabel],
  ];
  const sd = `[${SD_ID}${params
    .filter((p): p is [string, string] => p[1] !== null)
    .map(([name, value]) => ` ${name}="${paramValue(value)}"`)
    .join("")}]`;
  const header = [
    `<${PRI}>1`,
    entry.occurredAt,
    headerField(origin.host, 255),
    "trunkline",
    headerField(origin.procId, 128),
    headerField(entry.action, 32),
  ].join(" ");
  // JSON.stringify escapes every line break: one entry, one line.
  return `${header} ${sd} ${BOM}${JSON.stringify(entry)}`;
}

/** Octet-counting frame: the message's length in bytes, a space, the message. */
export function frame(line: string): string {
  return `${Buffer.byteLength(line, "utf8")} ${line}`;
}
