import { readConfig } from "@/lib/config";
import type { StreamPolicy } from "./target";

/** The operator's limits on destinations, from the environment (lib/config.ts). */
export function streamPolicy(env: NodeJS.ProcessEnv = process.env): StreamPolicy {
  const config = readConfig(env);
  return {
    fileDir: config.AUDIT_STREAM_FILE_DIR,
    allowHttpLoopback: config.AUDIT_STREAM_HTTP_LOOPBACK,
  };
}
