import Module from "node:module";

/**
 * Imported first by bench/run.ts. The CDR viewer policy module (lib/cdrs/viewer-policy.ts) also
 * holds the per-request `getCdrPolicy`, whose session helpers import `next/navigation`. In a
 * server component Next's bundler resolves that to its react-server entry; plain Node under the
 * react-server condition would load the client one, which needs React's client build
 * (`createContext`) and fails at import. Resolve it the way Next's server bundle does.
 */

const ALIASES: Record<string, string> = {
  "next/navigation": "next/dist/api/navigation.react-server.js",
};

type Resolve = (request: string, ...rest: unknown[]) => string;
const mod = Module as unknown as { _resolveFilename: Resolve };
const resolve = mod._resolveFilename;
mod._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
  return resolve.call(this, ALIASES[request] ?? request, ...rest);
};
