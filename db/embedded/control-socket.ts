import { createHash } from "node:crypto";
import { chmodSync, rmSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { snapshotPglite } from "./snapshot";
import type { FolderLock } from "./folder-lock";

/**
 * Only the process that holds a folder may read it, so a backup taken while `npm start` runs is
 * taken by the server itself: it listens on a local socket (owner-only) named in its lock note,
 * and `npm run db:backup` asks it there. One request: the line `backup`; one answer: the line
 * `ok <bytes>` and the archive, or `error <message>`.
 */

const REQUEST = "backup\n";
const MAX_HEADER = 1024;

/** A per-folder address short enough for unix socket paths (≈104 bytes), or a Windows pipe. */
export function controlAddress(folder: string): string {
  const id = createHash("sha256").update(path.resolve(folder)).digest("hex").slice(0, 16);
  return process.platform === "win32"
    ? `\\\\.\\pipe\\trunkline-${id}`
    : path.join(tmpdir(), `trunkline-${id}.sock`);
}

export async function serveBackups(client: PGlite, lock: FolderLock): Promise<() => Promise<void>> {
  const address = controlAddress(lock.folder);
  // We hold the folder's lock, so a socket file left at this address is a dead owner's.
  if (process.platform !== "win32") rmSync(address, { force: true });
  const server = createServer((socket) => void answer(socket, client));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(address, () => resolve());
  });
  if (process.platform !== "win32") chmodSync(address, 0o600);
  lock.advertise(address);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}

async function answer(socket: Socket, client: PGlite): Promise<void> {
  socket.on("error", () => socket.destroy());
  const request = await readLine(socket).catch(() => "");
  if (`${request}\n` !== REQUEST) {
    socket.end("error unknown request\n");
    return;
  }
  try {
    const archive = await snapshotPglite(client);
    socket.write(`ok ${archive.length}\n`);
    socket.end(archive);
  } catch (err) {
    socket.end(`error ${String(err).replace(/\s+/g, " ")}\n`);
  }
}

function readLine(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const end = buffered.indexOf("\n");
      if (end >= 0) {
        socket.off("data", onData);
        resolve(buffered.slice(0, end));
      } else if (buffered.length > MAX_HEADER) {
        reject(new Error("request too long"));
      }
    };
    socket.on("data", onData);
    socket.once("end", () => reject(new Error("closed before a request")));
  });
}

/** Asks the process holding a folder for a backup; resolves with the whole archive. */
export function requestBackup(address: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(address);
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", (err) =>
      reject(new Error(`the running server did not answer at ${address}: ${err.message}`)),
    );
    socket.on("connect", () => socket.write(REQUEST));
    socket.on("end", () => {
      const all = Buffer.concat(chunks);
      const newline = all.indexOf(0x0a);
      const header = all.subarray(0, newline < 0 ? all.length : newline).toString("utf8");
      const body = all.subarray(newline + 1);
      const ok = /^ok (\d+)$/.exec(header);
      if (ok && Number(ok[1]) === body.length) resolve(body);
      else if (ok)
        reject(new Error(`the backup stream ended early (${body.length} of ${ok[1]} bytes)`));
      else reject(new Error(`the running server refused: ${header.replace(/^error /, "")}`));
    });
  });
}
