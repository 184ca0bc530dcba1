import type { AuditAction } from "@/db/schema";

/**
 * What narrows the audit log: the parsed search box and the column filters both produce this,
 * and they combine with AND. Within one field several values mean "any of them".
 */
export type AuditCriteria = {
  /** Free words and quoted phrases: each must match some column (user, IP, pk, table, message, comment, ids). */
  text: string[];
  users: string[];
  /** Addresses or CIDRs, normalised ("10.0.0.0/8", "2001:db8::1"). */
  ips: string[];
  actions: AuditAction[];
  tables: string[];
  pks: string[];
  accounts: number[];
  ingresses: number[];
  /** Text in the entry's audit comment (the reason given), any of them, case-insensitive. */
  comments: string[];
  /** Inclusive lower bound. */
  after?: Date;
  /** Exclusive upper bound. */
  before?: Date;
};

export const EMPTY_CRITERIA: AuditCriteria = {
  text: [],
  users: [],
  ips: [],
  actions: [],
  tables: [],
  pks: [],
  accounts: [],
  ingresses: [],
  comments: [],
};
