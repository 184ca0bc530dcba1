/**
 * The demo seed is a user of the domain: every message in its audit log is one the product's own
 * builders produce. Each entry's message is rebuilt from what the entry stores (table, action,
 * before, after, actor) and the entries before it, with the builders the domain functions use,
 * and must equal one of the rebuilt candidates exactly: a hand-written message fails.
 */
import { getTableColumns, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/raw";
import type { AccountType, AuditAction, UserRole } from "@/db/schema";
import { accountStatusMessage } from "@/lib/accounts/set-account-status";
import { generatedApiKeyMessage, revokedApiKeyMessage } from "@/lib/api-keys/keys";
import { auditExportMessage } from "@/lib/audit-http/export-message";
import { bulkReadMessage } from "@/lib/api/v1/common";
import { describeChange } from "@/lib/audit/messages";
import { AUDITED_TABLES, type AuditedTableName } from "@/lib/audit/tables";
import {
  failedSignInMessage,
  MALFORMED_SIGN_IN_TEXT,
  SIGN_IN_FAILURE_TEXT,
  signedInMessage,
} from "@/lib/auth/sign-in-messages";
import { publishedBrandingMessage } from "@/lib/branding/draft";
import { changedBrandingFields, snapshotOf } from "@/lib/branding/fields";
import type { CheckedImage } from "@/lib/branding/images";
import { brandingAssetMessage, draftImageMessage } from "@/lib/branding/upload";
import {
  accountFieldsMessage,
  accountFieldsRemovedMessage,
  audienceFieldsMessage,
} from "@/lib/cdrs/settings-messages";
import { emailSentMessage, type EmailKind } from "@/lib/email/outbox";
import {
  invitedUserMessage,
  linkIssuerOf,
  passwordResetIssuedMessage,
  passwordSetMessage,
  roleChangedMessage,
  userStatusMessage,
} from "@/lib/users/messages";
import {
  columnOverrideRemovedMessage,
  columnPermissionsMessage,
} from "@/lib/visibility/set-column-permissions";
import { AUDIT_NARROWING_NAMES } from "@/lib/visibility/viewer-policy";
import { seedDemo } from "@/seed/demo/demo";
import { setUpTestDatabase } from "./db";

const OPTIONS = { cdrCount: 0, historyScale: 0.05, now: new Date("2026-06-01T12:00:00Z") };

type Row = Record<string, unknown>;
type Entry = {
  id: number;
  occurredAt: Date;
  action: AuditAction;
  tableName: string;
  recordPk: string | null;
  actorType: "user" | "portal" | "api" | "system";
  actorLabel: string;
  actorDetail: string | null;
  message: string;
  before: Row | null;
  after: Row | null;
};

const database = setUpTestDatabase();
let entries: Entry[] = [];
let roles = new Map<string, { role: UserRole; email: string }>();
let accountNames = new Map<string, string>();
beforeAll(async () => {
  await seedDemo(database.db, OPTIONS);
  entries = await queryRows<Entry>(
    database.db,
    sql`select id, occurred_at as "occurredAt", action::text as action, table_name as "tableName",
          record_pk as "recordPk", actor_type::text as "actorType", actor_label as "actorLabel",
          actor_detail as "actorDetail", message, before, after
        from audit_log order by id`,
  );
  for (const e of entries) e.occurredAt = new Date(e.occurredAt);
  const users = await queryRows<{ id: number; role: UserRole; email: string }>(
    database.db,
    sql`select id, role::text as role, email from users`,
  );
  roles = new Map(users.map((u) => [String(u.id), u]));
  const accounts = await queryRows<{ id: number; name: string }>(
    database.db,
    sql`select id, name from accounts`,
  );
  accountNames = new Map(accounts.map((a) => [String(a.id), a.name]));
}, 120_000);

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** A stored row with its timestamps as the Date objects the live builder saw. */
const revived = (row: Row | null) =>
  row &&
  Object.fromEntries(
    Object.entries(row).map(([k, v]) => [
      k,
      typeof v === "string" && ISO.test(v) ? new Date(v) : v,
    ]),
  );

/** Every message the product could have written for this entry, given the ones before it. */
function candidates(e: Entry, earlier: Entry[]): string[] {
  // Stored JSON: each value is narrowed where a builder takes it.
  const b: Row = e.before ?? {};
  const a: Row = e.after ?? {};
  const out: string[] = [];
  if (e.tableName in AUDITED_TABLES) {
    const def = AUDITED_TABLES[e.tableName as AuditedTableName];
    // jsonb keeps keys in its own order; the live row had the table's column order.
    const columns = Object.keys(getTableColumns(def.table));
    const ordered = (row: Row | null) =>
      row && Object.fromEntries(columns.filter((c) => c in row).map((c) => [c, row[c]]));
    const [before, after] = [ordered(e.before), ordered(e.after)];
    out.push(describeChange(def, e.action, before, after));
    out.push(describeChange(def, e.action, revived(before), revived(after)));
  }
  const key = `${e.tableName}:${e.action}`;
  const row = (e.after ?? e.before ?? {}) as { name: string; email: string };
  switch (key) {
    case "users:CREATE":
      out.push(invitedUserMessage(a.role as UserRole, row, Boolean(a.portalAdmin)));
      break;
    case "users:UPDATE": {
      out.push(roleChangedMessage(row, b.role as UserRole, a.role as UserRole));
      out.push(userStatusMessage("disabled", row), userStatusMessage("active", row));
      out.push(passwordResetIssuedMessage(row));
      // setPasswordWithToken names the entry that stored the link's expiry.
      const expiry = b.passwordTokenExpiresAt;
      const issuing = earlier.findLast(
        (x) =>
          x.tableName === "users" &&
          x.recordPk === e.recordPk &&
          x.after?.passwordTokenExpiresAt === expiry &&
          x.before?.passwordTokenExpiresAt !== expiry,
      );
      out.push(passwordSetMessage(issuing ? linkIssuerOf(issuing) : null));
      break;
    }
    case "users:LOGIN": {
      const user = e.recordPk ? roles.get(e.recordPk) : undefined;
      if (user) out.push(signedInMessage(user));
      for (const reason of [...Object.values(SIGN_IN_FAILURE_TEXT), MALFORMED_SIGN_IN_TEXT]) {
        out.push(failedSignInMessage(e.actorLabel, reason));
      }
      break;
    }
    case "email_outbox:SEND":
      out.push(emailSentMessage({ kind: a.kind as EmailKind, toAddress: String(a.toAddress) }));
      break;
    case "accounts:UPDATE":
      if (a.status === "active" || a.status === "suspended") {
        out.push(accountStatusMessage(a.status, Number(a.id), b, a));
      }
      break;
    case "api_keys:GENERATE":
      out.push(generatedApiKeyMessage(a as never));
      break;
    case "api_keys:DELETE":
      out.push(revokedApiKeyMessage(b as never));
      break;
    case "column_permissions:CREATE":
    case "column_permissions:UPDATE": {
      const subject = a.userId ? { userId: Number(a.userId) } : { role: a.role as UserRole };
      const were = e.action === "UPDATE" ? (b.columns as string[]) : null;
      out.push(columnPermissionsMessage(subject, a.columns as string[], were));
      break;
    }
    case "cdr_field_settings:CREATE":
    case "cdr_field_settings:UPDATE":
    case "cdr_field_settings:DELETE": {
      const stored = (e.after ?? e.before)!;
      const created = e.action === "CREATE";
      if (stored.accountType) {
        const audience = (r: Row) => ({
          fields: r.fields as string[],
          labels: r.labels as Record<string, string>,
        });
        const type = stored.accountType as AccountType;
        out.push(audienceFieldsMessage(type, created ? null : audience(b), audience(a)));
      } else {
        const account = {
          id: Number(stored.accountId),
          name: accountNames.get(String(stored.accountId)) ?? "",
        };
        const override = (r: Row) => ({
          added: r.added as string[],
          removed: r.removed as string[],
          labels: r.labels as Record<string, string>,
          fieldOrder: r.fieldOrder as string[],
        });
        out.push(
          e.action === "DELETE"
            ? accountFieldsRemovedMessage(account, override(b))
            : accountFieldsMessage(account, created ? null : override(b), override(a)),
        );
      }
      break;
    }
    case "column_permissions:DELETE":
      if (b.userId) out.push(columnOverrideRemovedMessage(Number(b.userId)));
      break;
    case "branding_versions:PUBLISH": {
      const previous = earlier.findLast((x) => x.tableName === "branding_versions");
      const changed = previous
        ? changedBrandingFields(
            snapshotOf(previous.after!.snapshot as Row),
            snapshotOf(a.snapshot as Row),
          )
        : [];
      out.push(publishedBrandingMessage(Number(a.versionNo), changed));
      break;
    }
    case "branding_assets:CREATE":
      for (const sanitised of [false, true]) {
        out.push(
          brandingAssetMessage(a.kind as "logo", Number(a.id), {
            contentType: a.contentType as CheckedImage["contentType"],
            width: Number(a.width),
            height: Number(a.height),
            sha256: String(a.sha256),
            byteLength: (a.bytes as { bytes: number }).bytes,
            sanitised,
          }),
        );
      }
      break;
    case "portal_branding:UPDATE":
      for (const [kind, field] of [
        ["logo", "logoAssetId"],
        ["favicon", "faviconAssetId"],
      ] as const) {
        const asset = earlier.find(
          (x) => x.tableName === "branding_assets" && x.recordPk === String(a[field]),
        )?.after;
        if (!asset || a[field] === b[field]) continue;
        const image = {
          contentType: asset.contentType as CheckedImage["contentType"],
          width: Number(asset.width),
          height: Number(asset.height),
        };
        for (const earlierUpload of [false, true]) {
          out.push(draftImageMessage(kind, String(a.portalName), image, earlierUpload));
        }
      }
      break;
    case "cdrs:GET": {
      // A bulk read through the API (lib/api/v1/cdrs.ts): the count and the CDR page's own
      // narrowing names (lib/cdrs/queries.ts), never values.
      const m = /^Read ([\d,]+) CDRs? through the API(?: \(narrowed by (.+)\))?$/.exec(e.message);
      const names = m?.[2]?.split(", ") ?? [];
      if (m && names.every((n) => CDR_NARROWING_NAMES.includes(n))) {
        const shape = names.length > 0 ? [`narrowed by ${names.join(", ")}`] : [];
        out.push(bulkReadMessage(Number(m[1]!.replace(/,/g, "")), ["CDR", "CDRs"], shape));
      }
      break;
    }
    case "audit_log:GENERATE": {
      // The names come from the exporter's query; each must be one the product gives.
      const names = /\(narrowed by (.+)\):/.exec(e.message)?.[1]?.split(", ") ?? [];
      const rows = Number(/: ([\d,]+) rows?$/.exec(e.message)?.[1]?.replace(/,/g, "") ?? NaN);
      if (Number.isInteger(rows) && names.every((n) => AUDIT_NARROWING_NAMES.includes(n))) {
        for (const format of ["csv", "ndjson"] as const) {
          out.push(auditExportMessage(format, names, { rows, cancelled: false }));
        }
      }
      break;
    }
  }
  return out;
}

// The names lib/cdrs/queries.ts gives the filters that narrowed a CDR read (besides field labels).
const CDR_NARROWING_NAMES = ["destination", "SIP code", "connected only", "number"];

describe("the demo seed's audit messages", () => {
  it("are all built by the product's message builders", () => {
    expect(entries.length).toBeGreaterThan(500);
    const strays: string[] = [];
    entries.forEach((e, i) => {
      if (!candidates(e, entries.slice(0, i)).includes(e.message)) {
        strays.push(`#${e.id} ${e.tableName} ${e.action}: ${e.message}`);
      }
    });
    expect(strays).toEqual([]);
  });

  it("cover the product's own verbs, not only the default wording", () => {
    const messages = entries.map((e) => e.message);
    for (const start of [
      "Invited ",
      "Set their password through an invitation link issued by ",
      "Set their password through a password reset link issued by ",
      "Issued a password reset link for ",
      "Sent invitation email to ",
      "Signed in to the Customer Portal as ",
      "Failed sign-in for ",
      "Generated CSV export of the audit log",
      "Generated API key ",
      "Revoked API key ",
      "Published portal branding v2 (",
      "Set audit columns of role support to ",
      "Customer CDR fields: answer_time: hidden → shown; end_time: hidden → shown",
      "CDR fields of Acme Telecom (",
    ]) {
      expect(
        messages.some((m) => m.startsWith(start)),
        start,
      ).toBe(true);
    }
  });
});
