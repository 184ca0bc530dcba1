/**
 * The Node flag for running the app's server code outside Next (tsx scripts, the e2e and bench
 * servers, test children): "server-only", imported by db/client.ts and lib/audit/core.ts, is its
 * empty module under the react-server condition, as in Next's server bundles, and throws
 * without it. package.json's tsx scripts pass the same flag.
 */
export const SERVER_CONDITION = "--conditions=react-server";
