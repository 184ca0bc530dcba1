import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer } from "node:net";
import type { AddressInfo } from "node:net";
import { ENTRY_IDS_HEADER as ENTRY_IDS } from "@/lib/audit/stream/senders";
import { SIGNATURE_HEADER, verifyWebhookSignature } from "@/lib/webhooks/signature";
import { splitOctetCounted } from "./rfc5424";

/**
 * Loopback receivers for the streaming tests, each as a SIEM would run it: the webhook one
 * verifies every request's signature and deduplicates by entry id; the syslog one reads
 * octet-counted frames off TCP.
 */

export type WebhookReceiver = {
  url: string;
  /** Entry ids in the order received, duplicates included. */
  received: number[];
  /** Requests whose signature did not verify, or whose id header disagreed with the body. */
  rejected: string[];
  requests: number;
  failures: number;
  /** Answer 500 to everything while set. */
  failing: boolean;
  /** Wait this long before answering (a slow SIEM keeps batches in flight). */
  delayMs: number;
  distinct: () => number;
  close: () => Promise<void>;
};

function listen(server: Server | TcpServer): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const seen = new Set<number>();
  const receiver = {
    received: [] as number[],
    rejected: [] as string[],
    requests: 0,
    failures: 0,
    failing: false,
    delayMs: 0,
  };
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      receiver.requests += 1;
      const answer = (status: number) => {
        res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : "down");
      };
      setTimeout(() => {
        if (receiver.failing) {
          receiver.failures += 1;
          return answer(500);
        }
        const body = Buffer.concat(chunks).toString("utf8");
        const check = verifyWebhookSignature(secret, body, req.headers[SIGNATURE_HEADER] as string);
        if (!check.ok) {
          receiver.rejected.push(check.reason);
          return answer(401);
        }
        const ids = (JSON.parse(body) as { entries: { id: number }[] }).entries.map((e) => e.id);
        if (ids.join(",") !== req.headers[ENTRY_IDS]) {
          receiver.rejected.push(`ids header ${String(req.headers[ENTRY_IDS])} != body`);
          return answer(400);
        }
        for (const id of ids) {
          receiver.received.push(id);
          seen.add(id);
        }
        answer(200);
      }, receiver.delayMs);
    });
  });
  const port = await listen(server);
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/siem`,
    distinct: () => seen.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

export type SyslogReceiver = {
  port: number;
  messages: string[];
  close: () => Promise<void>;
};

export async function startSyslogReceiver(): Promise<SyslogReceiver> {
  const messages: string[] = [];
  const server = createTcpServer((socket) => {
    let pending: Buffer = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      const { messages: complete, rest } = splitOctetCounted(Buffer.concat([pending, chunk]));
      messages.push(...complete);
      pending = rest;
    });
    socket.on("error", () => {});
  });
  const port = await listen(server);
  return {
    port,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
