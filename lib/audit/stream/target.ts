import { isIP } from "node:net";
import path from "node:path";
import { z } from "zod";
import { AUDIT_STREAM_KINDS } from "@/db/schema/audit-stream";

/**
 * What a destination points at, per kind, as stored in `target` and as the form sends it.
 * Everything an admin types is checked here, before anything is written: only https webhooks
 * (plain http to loopback when the operator allows it, for tests), hostnames and ports in
 * range, and file names (never paths) inside AUDIT_STREAM_FILE_DIR.
 */

export type StreamPolicy = { fileDir?: string; allowHttpLoopback: boolean };

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

const isHost = (v: string) => isIP(v) !== 0 || HOSTNAME.test(v);

const webhookTarget = z.object({
  url: z.string(),
  batchSize: z.number().int().min(1).max(500),
});
const syslogTarget = z.object({
  host: z.string(),
  port: z.number().int().min(1).max(65535),
  transport: z.enum(["tcp", "tls"]),
});
const fileTarget = z.object({ fileName: z.string() });

export type WebhookTarget = z.infer<typeof webhookTarget>;
export type SyslogTarget = z.infer<typeof syslogTarget>;
export type FileTarget = z.infer<typeof fileTarget>;

export type StreamTarget =
  | { kind: "webhook"; target: WebhookTarget }
  | { kind: "syslog"; target: SyslogTarget }
  | { kind: "file"; target: FileTarget };

/** A stored target, read back (a row edited by hand that no longer fits fails loudly). */
export function parseStoredTarget(kind: string, target: unknown): StreamTarget {
  if (kind === "webhook") return { kind, target: webhookTarget.parse(target) };
  if (kind === "syslog") return { kind, target: syslogTarget.parse(target) };
  if (kind === "file") return { kind, target: fileTarget.parse(target) };
  throw new Error(`unknown destination kind ${kind}`);
}

/** Refuses a webhook URL the policy does not allow; null when it is fine. */
function webhookUrlProblem(raw: string, policy: StreamPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "Enter a full URL, starting with https://.";
  }
  if (url.username || url.password) return "Put credentials in the secret, not in the URL.";
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:" && policy.allowHttpLoopback && LOOPBACK_HOSTS.has(url.hostname)) {
    return null;
  }
  return "Use an https:// URL.";
}

/** The file a file destination writes: always inside the configured folder. */
export function streamFilePath(fileName: string, policy: StreamPolicy): string {
  if (!policy.fileDir) throw new Error("AUDIT_STREAM_FILE_DIR is not set");
  if (!FILE_NAME.test(fileName)) throw new Error("not a plain file name");
  const dir = path.resolve(policy.fileDir);
  const file = path.resolve(dir, fileName);
  if (path.dirname(file) !== dir) throw new Error("outside AUDIT_STREAM_FILE_DIR");
  return file;
}

const text = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `Keep the ${label} under ${max} characters.`)
    .refine(
      (v) => !/[\u0000-\u001f\u007f]/.test(v),
      `The ${label} cannot contain control characters.`,
    );

/** The form's fields (strings from FormData), one schema for every kind. */
export const destinationFields = z.object({
  name: text(100, "name").pipe(z.string().min(1, "Enter a name.")),
  kind: z.enum(AUDIT_STREAM_KINDS, { error: "Choose a kind." }),
  url: text(2000, "URL").optional(),
  // Blank on an edit keeps the current secret.
  secret: z.string().max(200, "Keep the secret under 200 characters.").optional(),
  batchSize: z.string().trim().optional(),
  host: text(253, "host").optional(),
  port: z.string().trim().optional(),
  transport: z.string().optional(),
  fileName: text(100, "file name").optional(),
});
export type DestinationFields = z.infer<typeof destinationFields>;

type Issue = { path: string; message: string };

const intIn = (raw: string | undefined, min: number, max: number, fallback?: number) => {
  if (!raw && fallback !== undefined) return fallback;
  if (!raw || !/^\d{1,6}$/.test(raw)) return null;
  const n = Number(raw);
  return n >= min && n <= max ? n : null;
};

/**
 * The stored target for the form's fields, or the field errors. `secretRequired`: a new webhook
 * needs one; an edit may keep the old one.
 */
export function toTarget(
  fields: DestinationFields,
  policy: StreamPolicy,
  { secretRequired }: { secretRequired: boolean },
): { ok: true; value: StreamTarget; secret: string | null } | { ok: false; issues: Issue[] } {
  const issues: Issue[] = [];
  if (fields.kind === "webhook") {
    const url = fields.url ?? "";
    const problem = url ? webhookUrlProblem(url, policy) : "Enter the receiver's URL.";
    if (problem) issues.push({ path: "url", message: problem });
    const secret = fields.secret ?? "";
    if (secret && (secret.length < 16 || /[\u0000-\u001f\u007f]/.test(secret))) {
      issues.push({ path: "secret", message: "Use at least 16 printable characters." });
    } else if (!secret && secretRequired) {
      issues.push({ path: "secret", message: "Enter the secret the receiver verifies with." });
    }
    const batchSize = intIn(fields.batchSize, 1, 500, 100);
    if (batchSize === null) {
      issues.push({ path: "batchSize", message: "Enter 1 (one entry per request) to 500." });
    }
    if (issues.length || batchSize === null) return { ok: false, issues };
    return {
      ok: true,
      value: { kind: "webhook", target: { url, batchSize } },
      secret: secret || null,
    };
  }
  if (fields.kind === "syslog") {
    const host = fields.host ?? "";
    if (!isHost(host)) issues.push({ path: "host", message: "Enter a hostname or IP address." });
    const port = intIn(fields.port, 1, 65535);
    if (port === null) issues.push({ path: "port", message: "Enter a port from 1 to 65535." });
    const transport =
      fields.transport === "tls" ? "tls" : fields.transport === "tcp" ? "tcp" : null;
    if (!transport) issues.push({ path: "transport", message: "Choose TCP or TLS." });
    if (issues.length || port === null || !transport) return { ok: false, issues };
    return { ok: true, value: { kind: "syslog", target: { host, port, transport } }, secret: null };
  }
  const fileName = fields.fileName ?? "";
  if (!policy.fileDir) {
    issues.push({
      path: "kind",
      message: "File destinations are off: the operator has not set AUDIT_STREAM_FILE_DIR.",
    });
  } else if (!FILE_NAME.test(fileName) || fileName.includes("..")) {
    issues.push({
      path: "fileName",
      message: "Enter a file name (letters, digits, . _ -), not a path.",
    });
  }
  if (issues.length) return { ok: false, issues };
  return { ok: true, value: { kind: "file", target: { fileName } }, secret: null };
}

/** Where a destination sends, for the status page (never the secret). */
export function describeTarget(t: StreamTarget): string {
  if (t.kind === "webhook") {
    return `${t.target.url} (${t.target.batchSize === 1 ? "one entry per request" : `batches of ${t.target.batchSize}`})`;
  }
  if (t.kind === "syslog") return `${t.target.transport}://${t.target.host}:${t.target.port}`;
  return `${t.target.fileName} in AUDIT_STREAM_FILE_DIR`;
}
