import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { auditLog } from "@/db/schema";
import { maskedData, mayUse, type AuditViewerPolicy } from "@/lib/visibility/viewer-policy";
import { scopeCondition } from "./audit-log";

/**
 * One entry for the details and diff popup: exactly what this viewer's columns and masks allow.
 * Forensic details (channel, user agent, request id, ids behind the record) are for staff only.
 */
export type AuditEntryView = {
  id: number;
  occurredAt?: string;
  action?: string;
  tableName?: string;
  recordPk?: string | null;
  message?: string;
  comment?: string | null;
  actor?: {
    type: string;
    label: string;
    detail: string | null;
    apiKeyId?: number | null;
  };
  ip?: string | null;
  forensics?: {
    channel: string;
    requestId: string | null;
    userAgent: string | null;
    accountId: number | null;
    ingressId: number | null;
    relatedIds: string[];
  };
  data?: { before: Record<string, unknown> | null; after: Record<string, unknown> | null };
};

export async function findAuditEntryForViewer(
  db: DbOrTx,
  id: number,
  policy: AuditViewerPolicy,
): Promise<AuditEntryView | null> {
  const may = (column: Parameters<typeof mayUse>[1]) => mayUse(policy, column);
  const staff = policy.audience === "staff";
  const [row] = await db
    .select({
      id: auditLog.id,
      // Masking reads the table even when the Table column is not the viewer's.
      table: auditLog.tableName,
      ...(may("occurredAt")
        ? {
            occurredAt: sql<string>`to_char(${auditLog.occurredAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
          }
        : {}),
      ...(may("action") ? { action: auditLog.action } : {}),
      ...(may("recordPk") ? { recordPk: auditLog.recordPk } : {}),
      ...(may("message") ? { message: auditLog.message, comment: auditLog.comment } : {}),
      ...(may("user")
        ? {
            actorType: auditLog.actorType,
            actorLabel: auditLog.actorLabel,
            actorDetail: auditLog.actorDetail,
            ...(staff ? { apiKeyId: auditLog.apiKeyId } : {}),
          }
        : {}),
      ...(may("ip") ? { ip: sql<string | null>`host(${auditLog.ip})` } : {}),
      ...(staff
        ? {
            channel: auditLog.channel,
            requestId: auditLog.requestId,
            userAgent: auditLog.userAgent,
            accountId: auditLog.accountId,
            ingressId: auditLog.ingressId,
            relatedIds: auditLog.relatedIds,
          }
        : {}),
      ...(may("data") ? { before: auditLog.before, after: auditLog.after } : {}),
    })
    .from(auditLog)
    .where(and(eq(auditLog.id, id), scopeCondition(policy.scope)));
  if (!row) return null;
  const r = row as typeof row & Partial<Selected>;
  return {
    id: r.id,
    ...(r.occurredAt !== undefined ? { occurredAt: r.occurredAt } : {}),
    ...(r.action !== undefined ? { action: r.action } : {}),
    ...(may("tableName") ? { tableName: r.table } : {}),
    ...(r.recordPk !== undefined ? { recordPk: r.recordPk } : {}),
    ...(r.message !== undefined ? { message: r.message, comment: r.comment ?? null } : {}),
    ...(r.actorLabel !== undefined
      ? {
          actor: {
            type: r.actorType ?? "user",
            label: r.actorLabel,
            // Portal users see who in their own account acted, not staff members' details.
            detail: staff || r.actorType === "portal" ? (r.actorDetail ?? null) : null,
            ...(staff ? { apiKeyId: r.apiKeyId ?? null } : {}),
          },
        }
      : {}),
    ...(r.ip !== undefined ? { ip: r.ip } : {}),
    ...(staff
      ? {
          forensics: {
            channel: r.channel ?? "",
            requestId: r.requestId ?? null,
            userAgent: r.userAgent ?? null,
            accountId: r.accountId ?? null,
            ingressId: r.ingressId ?? null,
            relatedIds: r.relatedIds ?? [],
          },
        }
      : {}),
    ...(may("data")
      ? {
          data: {
            before: maskedData(policy, r.table, r.before ?? null),
            after: maskedData(policy, r.table, r.after ?? null),
          },
        }
      : {}),
  };
}

/** What the conditional selection above may have added to the row. */
type Selected = {
  occurredAt: string;
  action: string;
  recordPk: string | null;
  message: string;
  comment: string | null;
  actorType: string;
  actorLabel: string;
  actorDetail: string | null;
  apiKeyId: number | null;
  ip: string | null;
  channel: string;
  requestId: string | null;
  userAgent: string | null;
  accountId: number | null;
  ingressId: number | null;
  relatedIds: string[];
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
};
