import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { auditLog, type UserRole } from "@/db/schema";
import type { AuditColumnKey } from "@/lib/visibility/audit-columns";
import { maskAuditData } from "@/lib/visibility/audit-data";
import { scopeCondition, type AuditScope } from "./audit-log";

/** Everything stored about one entry that this viewer may see, for the details and diff popup. */
export type AuditEntryView = {
  id: number;
  occurredAt: string;
  action: string;
  tableName: string;
  recordPk: string | null;
  message: string;
  comment: string | null;
  channel: string;
  requestId: string | null;
  userAgent: string | null;
  accountId: number | null;
  ingressId: number | null;
  relatedIds: string[];
  actor?: {
    type: string;
    label: string;
    detail: string | null;
    userId: number | null;
    apiKeyId: number | null;
  };
  ip?: string | null;
  data?: { before: Record<string, unknown> | null; after: Record<string, unknown> | null };
};

export async function findAuditEntryForViewer(
  db: DbOrTx,
  id: number,
  viewer: { scope: AuditScope; columns: readonly AuditColumnKey[]; role: UserRole },
): Promise<AuditEntryView | null> {
  const visible = new Set(viewer.columns);
  const [row] = await db
    .select({
      id: auditLog.id,
      occurredAt: sql<string>`to_char(${auditLog.occurredAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
      action: auditLog.action,
      tableName: auditLog.tableName,
      recordPk: auditLog.recordPk,
      message: auditLog.message,
      comment: auditLog.comment,
      channel: auditLog.channel,
      requestId: auditLog.requestId,
      userAgent: auditLog.userAgent,
      accountId: auditLog.accountId,
      ingressId: auditLog.ingressId,
      relatedIds: auditLog.relatedIds,
      ...(visible.has("user")
        ? {
            actorType: auditLog.actorType,
            actorLabel: auditLog.actorLabel,
            actorDetail: auditLog.actorDetail,
            actorUserId: auditLog.actorUserId,
            apiKeyId: auditLog.apiKeyId,
          }
        : {}),
      ...(visible.has("ip") ? { ip: sql<string | null>`host(${auditLog.ip})` } : {}),
      ...(visible.has("data") ? { before: auditLog.before, after: auditLog.after } : {}),
    })
    .from(auditLog)
    .where(and(eq(auditLog.id, id), scopeCondition(viewer.scope)));
  if (!row) return null;
  const { actorType, actorLabel, actorDetail, actorUserId, apiKeyId, ip, before, after, ...base } =
    row as typeof row & {
      actorType?: string;
      actorLabel?: string;
      actorDetail?: string | null;
      actorUserId?: number | null;
      apiKeyId?: number | null;
      ip?: string | null;
      before?: Record<string, unknown> | null;
      after?: Record<string, unknown> | null;
    };
  return {
    ...base,
    ...(actorLabel !== undefined
      ? {
          actor: {
            type: actorType ?? "user",
            label: actorLabel,
            detail: actorDetail ?? null,
            userId: actorUserId ?? null,
            apiKeyId: apiKeyId ?? null,
          },
        }
      : {}),
    ...(visible.has("ip") ? { ip: ip ?? null } : {}),
    ...(visible.has("data")
      ? {
          data: {
            before: maskAuditData(base.tableName, before ?? null, viewer.role),
            after: maskAuditData(base.tableName, after ?? null, viewer.role),
          },
        }
      : {}),
  };
}
