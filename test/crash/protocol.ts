/**
 * What the crash-test children and the test agree on. Kept apart from the children, which run
 * as soon as they are imported.
 */

/** The one account the audited writer updates. */
export const CRASH_ACCOUNT_NAME = "Crash Safety Telecom";

/** The request id each write's entry carries: which write made an entry, independent of its data. */
export const writeRequestId = (n: number) => `crash-write-${n}`;

/** What the audited writer prints (as JSON after `ready `) before its first write. */
export type WriterReady = {
  accountId: number;
  /** The first value this run writes: one more than the limit it found. */
  next: number;
  /** Every table's rows before the first write of this run. */
  counts: Record<string, number>;
  /** The newest audit entry before the first write of this run. */
  maxAuditId: number;
};
