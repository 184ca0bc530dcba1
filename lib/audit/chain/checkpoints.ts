import "server-only";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/**
 * Checkpoints: the chain's head (last sealed id and its chain hash) written outside the
 * database, so that someone able to rewrite audit_log and audit_chain consistently still cannot
 * make the head agree with what was recorded elsewhere before.
 */

export const checkpointSchema = z.object({
  lastId: z.number().int().nonnegative(),
  headHash: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.iso.datetime(),
  // "retention": the boundary a retention run cut at (its anchor), so the cut can be checked too
  kind: z.enum(["seal", "retention"]).default("seal"),
});

export type Checkpoint = z.infer<typeof checkpointSchema>;

export type CheckpointTargets = { file: string; url?: string | undefined };

export type CheckpointLog = {
  /** The newest valid checkpoint of each kind, null when none. */
  latest: Checkpoint | null;
  latestCut: Checkpoint | null;
  /** Lines that are not checkpoints: reported, since an edited file is itself a finding. */
  invalidLines: number[];
};

export function readCheckpoints(file: string): CheckpointLog {
  const log: CheckpointLog = { latest: null, latestCut: null, invalidLines: [] };
  if (!existsSync(file)) return log;
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((line, index) => {
      if (line.trim() === "") return;
      let parsed: ReturnType<typeof checkpointSchema.safeParse>;
      try {
        parsed = checkpointSchema.safeParse(JSON.parse(line));
      } catch {
        log.invalidLines.push(index + 1);
        return;
      }
      if (!parsed.success) return void log.invalidLines.push(index + 1);
      if (parsed.data.kind === "retention") log.latestCut = parsed.data;
      else log.latest = parsed.data;
    });
  return log;
}

/**
 * Appends the checkpoint to the file and, when configured, POSTs it. The file write must succeed
 * (it throws); the HTTP copy is best effort and its failure is returned for the caller to log,
 * since the chain itself is intact either way.
 */
export async function writeCheckpoint(
  checkpoint: Checkpoint,
  targets: CheckpointTargets,
): Promise<{ posted: boolean | null; error?: string }> {
  mkdirSync(path.dirname(path.resolve(targets.file)), { recursive: true });
  appendFileSync(targets.file, `${JSON.stringify(checkpoint)}\n`, { mode: 0o600 });
  if (!targets.url) return { posted: null };
  try {
    const response = await fetch(targets.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(checkpoint),
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) return { posted: false, error: `HTTP ${response.status}` };
    return { posted: true };
  } catch (err) {
    return { posted: false, error: err instanceof Error ? err.message : String(err) };
  }
}
