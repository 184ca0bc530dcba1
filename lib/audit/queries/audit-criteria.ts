import { and, eq, gte, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { auditLog } from "@/db/schema";
import type { AuditCriteria } from "@/lib/search/criteria";
import { matchesText } from "@/lib/search/like";
import { normalizeIpOrCidr } from "@/lib/search/normalize-ip";
import type { AuditColumnKey } from "@/lib/visibility/audit-columns";

/**
 * Turns AuditCriteria into one WHERE condition over audit_log. Each qualifier goes to its own
 * typed, indexed column (PERFORMANCE.md: `ip` through inet equality/containment, never text
 * matching; ids by equality); free text is an OR of the columns a term could mean, each branch
 * written so that its own index can answer it (trigram on message, GIN on related_ids, btrees
 * on the rest) and Postgres can combine them with a BitmapOr. Fields combine with AND; the
 * values within one field with OR.
 *
 * Caveat: a BitmapOr needs every branch indexed, and actor_label / actor_detail have no
 * trigram index yet, so free text and user: fall back to a scan (bounded by LIMIT when matches
 * are common, the whole table when they are rare) until those indexes exist.
 */

/** `column ILIKE '%term%'` with the term taken literally. */
const containsText = (column: AnyPgColumn, term: string): SQL =>
  matchesText(column, term, "contains");

/**
 * `ip = addr` for an address, `ip <<= cidr` for a network: both are answered by the btree on
 * ip (the planner turns <<= into a range on the inet prefix). Values are normalised again
 * because column filters may build criteria without the parser; an invalid one is a bug there
 * and would otherwise surface as a Postgres cast error.
 */
function ipCondition(value: string): SQL {
  const ip = normalizeIpOrCidr(value);
  if (!ip) throw new TypeError(`audit criteria: "${value}" is not an IP address or CIDR`);
  return ip.includes("/") ? sql`${auditLog.ip} <<= ${ip}::inet` : sql`${auditLog.ip} = ${ip}::inet`;
}

/** OR of at least one condition (drizzle's `or` is typed as possibly undefined). */
function anyOf(conditions: SQL[]): SQL {
  return conditions.length === 1 ? conditions[0]! : (or(...conditions) as SQL);
}

/**
 * User: the label the User column shows, matched whole but case-insensitively, or the identity
 * behind it (the portal user's email or name behind "Portal"), matched as a substring. The
 * whole-label match is an ILIKE without wildcards rather than lower() = lower(): the btree on
 * actor_label cannot serve either, but a trigram index on actor_label (which free text needs
 * anyway) serves ILIKE, and lower() would need an index of its own.
 */
function userCondition(users: string[]): SQL {
  return anyOf([
    ...users.map((u) => matchesText(auditLog.actorLabel, u, "whole")),
    ...users.map((u) => containsText(auditLog.actorDetail, u)),
  ]);
}

/** A positive integer written plainly, small enough to compare exactly with a bigint id. */
function asId(term: string): number | null {
  if (!/^[1-9]\d{0,15}$/.test(term)) return null;
  const n = Number(term);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * One free-text term: it matches if any of the viewer's columns could mean it (a hidden column's
 * values never match, or the matches would tell its values). Table names are lower-case, so the
 * term is lowered for them; pk and related ids are exact (they are identifiers, "user:7").
 */
function textTermCondition(term: string, columns: readonly AuditColumnKey[]): SQL {
  const has = (column: AuditColumnKey) => columns.includes(column);
  const arms: SQL[] = [sql`${auditLog.relatedIds} @> array[${term}]::text[]`];
  // The comment is shown with the message (the same column permission).
  if (has("message")) {
    arms.push(containsText(auditLog.message, term), containsText(auditLog.comment, term));
  }
  if (has("user")) arms.push(containsText(auditLog.actorLabel, term));
  if (has("tableName")) arms.push(eq(auditLog.tableName, term.toLowerCase()));
  if (has("recordPk")) arms.push(eq(auditLog.recordPk, term));
  if (has("ip") && normalizeIpOrCidr(term)) arms.push(ipCondition(term));
  const id = asId(term);
  if (id !== null) arms.push(eq(auditLog.accountId, id), eq(auditLog.ingressId, id));
  return anyOf(arms);
}

/**
 * The condition for `criteria`, or undefined when it narrows nothing (for `.where()`). `columns`
 * are the viewer's (the viewer policy has refused qualifiers on any other column already); free
 * text matches only those.
 */
export function auditCriteriaCondition(
  criteria: AuditCriteria,
  columns: readonly AuditColumnKey[],
): SQL | undefined {
  const conditions: SQL[] = [];
  if (criteria.users.length > 0) conditions.push(userCondition(criteria.users));
  if (criteria.ips.length > 0) conditions.push(anyOf(criteria.ips.map(ipCondition)));
  if (criteria.actions.length > 0) conditions.push(inArray(auditLog.action, criteria.actions));
  if (criteria.tables.length > 0) conditions.push(inArray(auditLog.tableName, criteria.tables));
  if (criteria.pks.length > 0) conditions.push(inArray(auditLog.recordPk, criteria.pks));
  if (criteria.accounts.length > 0) {
    conditions.push(inArray(auditLog.accountId, criteria.accounts));
  }
  if (criteria.ingresses.length > 0) {
    conditions.push(inArray(auditLog.ingressId, criteria.ingresses));
  }
  if (criteria.comments.length > 0) {
    conditions.push(anyOf(criteria.comments.map((c) => containsText(auditLog.comment, c))));
  }
  if (criteria.after) conditions.push(gte(auditLog.occurredAt, criteria.after));
  if (criteria.before) conditions.push(lt(auditLog.occurredAt, criteria.before));
  for (const term of criteria.text) conditions.push(textTermCondition(term, columns));
  return conditions.length > 0 ? and(...conditions) : undefined;
}
