import { createServer } from "node:net";

/**
 * Asks the OS for a port nobody listens on. The port is released before the caller binds it, so
 * another process could take it in between; on a test machine that race is rare enough.
 */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ port: 0, host }, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("The OS did not report the port it assigned."));
      });
    });
  });
}
