import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
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
const CONTROL_PREFIX = "trunkline-control-";
const CONTROL_SOCKET = "control.sock";
const MAX_HEADER = 1024;

/**
 * A fresh address in a folder only this user can enter (mkdtemp makes it 0700), so no other local
 * user can ask for an archive; short enough for unix socket paths (≈104 bytes). Windows: a pipe.
 */
function newControlAddress(): { address: string; cleanup: () => void } {
  return process.platform === "win32"
    ? { address: `\\\\.\\pipe\\trunkline-${randomUUID()}`, cleanup: () => {} }
    : socketInPrivateFolder(mkdtempSync(path.join(tmpdir(), CONTROL_PREFIX)));
}

function socketInPrivateFolder(folder: string) {
  return {
    address: path.join(folder, CONTROL_SOCKET),
    cleanup: () => rmSync(folder, { recursive: true, force: true }),
  };
}

/** A holder killed before it could clean up left its socket folder behind: ours to remove now. */
function removeDeadHoldersSocket(lock: FolderLock) {
  const left = lock.previous?.control;
  if (!left || path.basename(left) !== CONTROL_SOCKET) return;
  const folder = path.dirname(left);
  if (path.dirname(folder) === tmpdir() && path.basename(folder).startsWith(CONTROL_PREFIX)) {
    socketInPrivateFolder(folder).cleanup();
  }
}

/** Serves backups of the database this process holds; the lock note tells others where. */
export async function serveBackups(client: PGlite, lock: FolderLock): Promise<() => Promise<void>> {
  removeDeadHoldersSocket(lock);
  const { address, cleanup } = newControlAddress();
  const server = createServer((socket) => void answer(socket, client));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(address, () => resolve());
    });
  } catch (err) {
    cleanup();
    throw err;
  }
  lock.advertise(address);
  return () =>
    new Promise<void>((resolve) =>
      server.close(() => {
        cleanup();
        resolve();
      }),
    );
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
