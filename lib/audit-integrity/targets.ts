import type { CheckpointTargets } from "@/lib/audit/chain/checkpoints";
import { readConfig } from "@/lib/config";

/** Where this instance writes and reads the chain's external checkpoints (README: Audit). */
export function checkpointTargets(): CheckpointTargets {
  const config = readConfig();
  return { file: config.AUDIT_CHECKPOINT_FILE, url: config.AUDIT_CHECKPOINT_URL };
}
