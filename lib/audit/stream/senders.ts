import { open } from "node:fs/promises";
import { connect as tcpConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { SIGNATURE_HEADER, signWebhook } from "@/lib/webhooks/signature";
import type { StreamEntry } from "./payload";
import { frame, syslogLine } from "./syslog";
import {
  streamFilePath,
  type FileTarget,
  type StreamPolicy,
  type StreamTarget,
  type SyslogTarget,
  type WebhookTarget,
} from "./target";

/** The header listing the ids a webhook request carries, for receivers that deduplicate. */
export const ENTRY_IDS_HEADER = "x-trunkline-entry-ids";

const TIMEOUT_MS = 10_000;

/** Sends one batch; resolves only when the destination has accepted all of it. */
export async function sendBatch(
  destination: StreamTarget & { secret: string | null },
  entries: StreamEntry[],
  policy: StreamPolicy,
): Promise<void> {
  if (entries.length === 0) return;
  if (destination.kind === "webhook") {
    if (!destination.secret) throw new Error("the webhook has no secret");
    return postWebhook(destination.target, destination.secret, entries);
  }
  if (destination.kind === "syslog") return writeSyslog(destination.target, entries);
  return appendFile(destination.target, entries, policy);
}

/**
 * One POST per `batchSize` entries: `{"entries": [...]}`, signed over the exact body. Any 2xx
 * is acceptance; redirects are not followed (a moved SIEM is a configuration change).
 */
async function postWebhook(target: WebhookTarget, secret: string, entries: StreamEntry[]) {
  for (let i = 0; i < entries.length; i += target.batchSize) {
    const chunk = entries.slice(i, i + target.batchSize);
    const body = JSON.stringify({ entries: chunk });
    const response = await fetch(target.url, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
      headers: {
        "content-type": "application/json",
        "user-agent": "Trunkline audit stream",
        [SIGNATURE_HEADER]: signWebhook(secret, body),
        [ENTRY_IDS_HEADER]: chunk.map((e) => e.id).join(","),
      },
      body,
    });
    // Drained so the connection is reusable; its text is the error's detail.
    const detail = (await response.text().catch(() => "")).slice(0, 200);
    if (response.status < 200 || response.status > 299) {
      throw new Error(`HTTP ${response.status}${detail ? `: ${detail}` : ""}`);
    }
  }
}

/** Opens a connection, writes every frame, and ends it: resolved once the peer has it all. */
async function writeSyslog(target: SyslogTarget, entries: StreamEntry[]) {
  const socket: Socket =
    target.transport === "tls"
      ? tlsConnect({ host: target.host, port: target.port, servername: target.host })
      : tcpConnect({ host: target.host, port: target.port });
  socket.setTimeout(TIMEOUT_MS);
  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.once("error", fail);
    socket.once("timeout", () => fail(new Error("syslog connection timed out")));
    socket.once(target.transport === "tls" ? "secureConnect" : "connect", () => {
      const payload = entries.map((e) => frame(syslogLine(e))).join("");
      socket.end(payload, () => resolve());
    });
  });
  socket.destroy();
}

/** Appends one JSON line per entry and fsyncs before reporting the batch delivered. */
async function appendFile(target: FileTarget, entries: StreamEntry[], policy: StreamPolicy) {
  const file = await open(streamFilePath(target.fileName, policy), "a", 0o640);
  try {
    await file.appendFile(entries.map((e) => `${JSON.stringify(e)}\n`).join(""));
    await file.sync();
  } finally {
    await file.close();
  }
}
