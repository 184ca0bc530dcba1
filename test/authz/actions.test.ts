/**
 * The server-action rows of the authorization matrix, run in-process: every exported function of
 * every "use server" module is imported and called exactly as a form would call it (previous
 * state, FormData), as each audience. Only what needs a live request is replaced: the session
 * (who is signed in), the database handle (this file's PGlite), revalidation and redirects. The
 * role checks, validation and domain code are the app's own.
 *
 * A refused call must answer with its refusal and leave every table exactly as it was (a
 * checksum of all rows of all tables, before and after). An allowed call is given an input a
 * permitted user would send (fresh records to act on, made per case) and must succeed.
 */
import { saveDraftOperation } from "@/lib/branding/draft";
import { uploadImageOperation } from "@/lib/branding/upload";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type * as DbClient from "@/db/client";
import type { Db } from "@/db/client";
import { accounts, auditLog, portalBranding, users } from "@/db/schema";
import { API_KEY_NOT_FOUND, generateApiKey } from "@/lib/api-keys/keys";
import { ONLY_ADMINS_MANAGE_API_KEYS } from "@/lib/api-keys/portal-keys";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { createStreamDestination } from "@/lib/audit/stream/destinations";
import { actorForUser } from "@/lib/auth/actor-for-user";
import type { CurrentUser } from "@/lib/auth/session";
import { getDraft } from "@/lib/branding/queries";
import { createIngressRoute } from "@/lib/ingress/create-ingress-route";
import { ONLY_ADMINS_EDIT_CONTACT } from "@/lib/portal/contact";
import { ONLY_ADMINS_MANAGE_USERS } from "@/lib/portal/users";
import { USER_NOT_FOUND } from "@/lib/users/user-rules";
import { createWatch, WATCH_NOT_FOUND } from "@/lib/watches/watches";
import { AUDIT_COLUMN_KEYS } from "@/lib/visibility/audit-columns";
import { setAuditColumnPermissions } from "@/lib/visibility/set-column-permissions";
import { setAccountCdrFields } from "@/lib/cdrs/set-account-fields";
import { setUserColumns } from "@/lib/cdrs/set-user-columns";
import { png } from "../branding-image-fixtures";
import { openSession } from "@/lib/auth/user-sessions";
import { totpCode } from "@/lib/totp/codes";
import { clearSecondFactor, enrolTotpOperation, startEnrolment } from "@/lib/totp/enrolment";
import { setUpTestDatabase } from "../db";
import { insertTestAccount, insertTestUser } from "../factories";
import { insertTestPortalUser } from "../portal-support";
import { asCurrent, REQUEST, runAs } from "../run-action";
import {
  ACTION_ROWS,
  AUDIENCES,
  KNOWN_BUGS,
  SCOPED_CASES,
  isRefusal,
  type Audience,
  type Outcome,
} from "./matrix";

/** What the request would carry: the signed-in user and this file's database. */
const request = vi.hoisted(() => ({
  user: null as CurrentUser | null,
  db: null as Db | null,
  redirects: [] as string[],
}));

vi.mock("@/lib/auth/session", () => ({
  getCurrentUser: async () => request.user,
  // The enrolment's door: the same user, who has no second factor and is not required to.
  getSignedInUser: async () =>
    request.user && { ...request.user, totpEnabled: false, mustEnrolTotp: false },
  actorFor: async (user: CurrentUser) => actorForUser(user, REQUEST),
}));
vi.mock("@/db/client", async (importOriginal) => ({
  ...(await importOriginal<typeof DbClient>()),
  getDb: async () => request.db,
}));
// Sign-in and sign-out are NextAuth's; their actions have no role check to test.
vi.mock("@/lib/auth/auth", () => ({
  auth: async () => null,
  signIn: async () => undefined,
  signOut: async () => undefined,
  SecondFactorRequired: class SecondFactorRequired extends Error {},
}));
// login/actions.ts imports NextAuth's error classes, whose module needs Next's server runtime.
vi.mock("next-auth", () => ({
  AuthError: class AuthError extends Error {},
  CredentialsSignin: class CredentialsSignin extends Error {},
}));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ host: "localhost:3000", "user-agent": REQUEST_UA }),
  // No cookies: no remembered device, no code-step ticket.
  cookies: async () => ({ get: () => undefined, set: () => undefined }),
}));
vi.mock("next/cache", () => ({
  revalidatePath: () => undefined,
  revalidateTag: () => undefined,
  refresh: () => undefined,
}));
// A redirect after success ends the action like Next's does (by throwing); the test records it.
vi.mock("next/navigation", () => ({
  redirect: (url: string) => {
    request.redirects.push(url);
    throw new Error(`NEXT_REDIRECT ${url}`);
  },
  // As Next's: its own control-flow errors (here, the redirect above) pass through.
  unstable_rethrow: (err: unknown) => {
    if (err instanceof Error && err.message.startsWith("NEXT_REDIRECT")) throw err;
  },
}));
const REQUEST_UA = "vitest";
// The two-factor cases sign enrolment tickets.
process.env.AUTH_SECRET ??= "test-secret-for-totp-tickets-0123456789";

const SESSION_ENDED = "Your session has ended. Sign in again.";
const ROLE_REFUSED = "Your role does not allow this action.";
const PORTAL_ADMIN_REFUSALS = [
  ONLY_ADMINS_MANAGE_USERS,
  ONLY_ADMINS_EDIT_CONTACT,
  ONLY_ADMINS_MANAGE_API_KEYS,
];
const NOT_FOUND = [
  USER_NOT_FOUND,
  API_KEY_NOT_FOUND,
  WATCH_NOT_FOUND,
  "That record no longer exists.",
];

const ROOT = path.resolve(__dirname, "../..");

const database = setUpTestDatabase();
let db: Db;

/** The people and records every case draws on; see matrix.ts for who the audiences are. */
type Fixtures = {
  as: Record<Exclude<Audience, "anonymous">, CurrentUser>;
  customerAccount: number;
  carrierAccount: number;
  /** Colleagues the portal admins may act on, per account. */
  colleague: { customer: number; carrier: number };
};
let fx: Fixtures;

let sequence = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++sequence}`;

beforeAll(async () => {
  db = database.db;
  request.db = db;
  // The bootstrap seed creates the branding draft in a real database; an empty one needs it too.
  await auditedMutation(db, systemActor("test"), {
    table: "portal_branding",
    action: "CREATE",
    change: async (tx) => {
      await tx.insert(portalBranding).values({ id: 1 });
      return 1;
    },
  });
  const customerAccount = await insertTestAccount(db, "customer");
  const carrierAccount = await insertTestAccount(db, "carrier");
  const staff = async (role: "admin" | "support" | "auditor" | "branding") =>
    asCurrent(await insertTestUser(db, { role }));
  fx = {
    as: {
      admin: await staff("admin"),
      support: await staff("support"),
      auditor: await staff("auditor"),
      branding: await staff("branding"),
      customer: asCurrent(await insertTestPortalUser(db, customerAccount, { admin: true })),
      carrier: asCurrent(await insertTestPortalUser(db, carrierAccount, { admin: true })),
      member: asCurrent(await insertTestPortalUser(db, customerAccount)),
    },
    customerAccount: customerAccount.id,
    carrierAccount: carrierAccount.id,
    colleague: {
      customer: (await insertTestPortalUser(db, customerAccount)).id,
      carrier: (await insertTestPortalUser(db, carrierAccount)).id,
    },
  };
});

/**
 * Every row of every table, hashed: a refused call must leave this exactly as it was (counts
 * alone would miss an UPDATE).
 */
async function checksum(): Promise<Record<string, string>> {
  const { rows: tables } = await database.client.query<{ name: string }>(
    `select table_name as name from information_schema.tables
     where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const { rows } = await database.client.query<{ n: number; h: string }>(
      `select count(*)::int as n, md5(coalesce(string_agg(t::text, ',' order by t::text), '')) as h
       from "${name}" t`,
    );
    out[name] = `${rows[0]!.n}:${rows[0]!.h}`;
  }
  return out;
}

// --- what each action is called with --------------------------------------------------------

type Raw = Record<string, string | string[] | File>;
type InputFor = (a: Audience) => Promise<Raw>;

const freshAccount = async () => (await insertTestAccount(db, "customer")).id;
const freshIngress = async (accountId = fx.customerAccount) =>
  createIngressRoute(db, systemActor("test"), {
    accountId,
    name: unique("Trunk"),
    techPrefix: "",
    allowedIps: [],
    channels: 0,
    cps: 0,
    maxDurationS: 3600,
    status: "active",
    notes: null,
  });
const versionOf = async (table: "accounts" | "ingress_routes", id: number) => {
  const { rows } = await database.client.query<{ version: number }>(
    `select version from ${table} where id = $1`,
    [id],
  );
  return String(rows[0]!.version);
};
/** An UPDATE entry of a fresh account, for Restore. */
async function updateEntry(): Promise<string> {
  const id = await freshAccount();
  await auditedMutation(db, systemActor("test"), {
    table: "accounts",
    action: "UPDATE",
    id,
    change: async (tx) => {
      await tx.update(accounts).set({ channels: 5 }).where(eq(accounts.id, id));
    },
  });
  const [entry] = await db
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.tableName, "accounts"),
        eq(auditLog.recordPk, String(id)),
        eq(auditLog.action, "UPDATE"),
      ),
    );
  return String(entry!.id);
}
const draftForm = async (changes: Record<string, string>) => {
  const draft = (await getDraft(db))!;
  const fields = [
    "portalName",
    "primaryColor",
    "accentColor",
    "supportEmail",
    "footerHtml",
    "customCss",
    "customJs",
  ] as const;
  const raw: Raw = { version: String(draft.version) };
  for (const f of fields) {
    const value = String(draft[f] ?? "");
    raw[f] = changes[f] ?? value;
    raw[`base_${f}`] = value;
  }
  return raw;
};
const logo = () =>
  new File([new Uint8Array(png(64, 32, [sequence++ % 256, 0, 0]))], "logo.png", {
    type: "image/png",
  });
/** Runs a preparatory step as the app would, failing loudly if it does not succeed. */
async function prepare(step: Promise<{ status: string }>) {
  const result = await step;
  if (result.status !== "ok") throw new Error(`preparation failed: ${JSON.stringify(result)}`);
}
/** A draft that differs from every published version, so Publish and Restore have work. */
async function changedDraft() {
  await prepare(
    runAs(db, saveDraftOperation, fx.as.admin, await draftForm({ portalName: unique("Portal") })),
  );
  return (await getDraft(db))!;
}
const ownColleague = (a: Audience) =>
  String(a === "carrier" ? fx.colleague.carrier : fx.colleague.customer);
/** A key of a portal admin's account (the carrier's for the carrier, else the customer's). */
const portalKey = async (owner: "customer" | "carrier") => {
  const user = fx.as[owner];
  const key = await generateApiKey(
    db,
    actorForUser(user, REQUEST),
    { name: unique("Key"), scope: "read", expiresAt: null },
    { accountId: user.accountId },
  );
  return String(key.id);
};
/** `user`'s second factor off (as an admin's reset would leave it), whatever it was. */
async function clearTotp(userId: number): Promise<void> {
  const [row] = await db
    .select({ on: users.totpEnabledAt })
    .from(users)
    .where(eq(users.id, userId));
  if (row?.on) await clearSecondFactor(db, systemActor("test"), userId, () => "reset for a case");
}
/** Turns on `user`'s second factor afresh; returns the secret. */
async function enrolUser(user: CurrentUser): Promise<string> {
  await clearTotp(user.id);
  const { secret, ticket } = startEnrolment(user.id);
  await prepare(runAs(db, enrolTotpOperation, user, { enrolment: ticket, code: totpCode(secret) }));
  return secret;
}
const staffTarget = async () => String((await insertTestUser(db, { role: "support" })).id);
const portalTarget = async () =>
  String((await insertTestUser(db, { role: "customer", accountId: fx.customerAccount })).id);

const streamDir = mkdtempSync(path.join(tmpdir(), "trunkline-authz-stream-"));
/** A SIEM destination to act on: an NDJSON file, so "Send test" succeeds without a network. */
const streamDestination = async () => {
  process.env.AUDIT_STREAM_FILE_DIR = streamDir;
  const { id } = await createStreamDestination(
    db,
    systemActor("test"),
    { name: unique("SIEM"), kind: "file", fileName: "authz.ndjson" },
    { fileDir: streamDir, allowHttpLoopback: false },
  );
  return String(id);
};

const ACCOUNT_FIELDS = { creditLimit: "0", channels: "0", cps: "0" };
const INGRESS_FIELDS = { channels: "0", cps: "0", maxDurationS: "3600", status: "active" };

/** Inputs a permitted user would send successfully; the same input is tried by everyone. */
const INPUTS: Record<string, InputFor> = {
  "app/(auth)/login/actions.ts#signInAction": async () => ({
    email: "nobody@example.test",
    password: "not the password",
  }),
  "app/(auth)/actions.ts#signOutAction": async () => ({}),
  "app/(auth)/login/actions.ts#secondFactorAction": async () => ({ code: "123456" }),
  // Each case enrols a fresh user of the audience's role and acts as them, so one case's second
  // factor never leaks into another's. Anonymous gets the same fields, for nobody.
  "app/(auth)/two-factor/actions.ts#enrolTotpAction": async (a) => {
    if (a !== "anonymous") await clearTotp(fx.as[a].id);
    const { secret, ticket } = startEnrolment(a === "anonymous" ? 1 : fx.as[a].id);
    return { enrolment: ticket, code: totpCode(secret) };
  },
  "app/(auth)/two-factor/actions.ts#regenerateRecoveryCodesAction": async (a) => ({
    code: a === "anonymous" ? "123456" : totpCode(await enrolUser(fx.as[a])),
  }),
  "app/(auth)/two-factor/actions.ts#removeTotpAction": async (a) => ({
    code: a === "anonymous" ? "123456" : totpCode(await enrolUser(fx.as[a])),
  }),
  "app/(auth)/set-password/actions.ts#setPasswordAction": async () => ({
    token: "not-a-real-token",
    password: "a long enough password",
    confirm: "a long enough password",
  }),
  "app/(control-panel)/accounts/actions.ts#createAccountAction": async () => ({
    type: "customer",
    name: unique("Account"),
    currency: "USD",
    ...ACCOUNT_FIELDS,
  }),
  "app/(control-panel)/accounts/actions.ts#updateAccountAction": async () => {
    const id = await freshAccount();
    return {
      id: String(id),
      version: await versionOf("accounts", id),
      name: unique("Renamed"),
      ...ACCOUNT_FIELDS,
    };
  },
  "app/(control-panel)/accounts/actions.ts#setAccountStatusAction": async () => ({
    id: String(await freshAccount()),
    status: "suspended",
  }),
  "app/(control-panel)/accounts/actions.ts#deleteAccountAction": async () => ({
    id: String(await freshAccount()),
  }),
  "app/(control-panel)/accounts/actions.ts#restoreEntryAction": async () => ({
    entryId: await updateEntry(),
  }),
  "app/(control-panel)/accounts/actions.ts#createIngressAction": async () => ({
    accountId: String(fx.customerAccount),
    name: unique("Trunk"),
    ...INGRESS_FIELDS,
  }),
  "app/(control-panel)/accounts/actions.ts#updateIngressAction": async () => {
    const route = await freshIngress();
    return {
      id: String(route.id),
      version: await versionOf("ingress_routes", route.id),
      name: unique("Trunk"),
      ...INGRESS_FIELDS,
    };
  },
  "app/(control-panel)/accounts/actions.ts#deleteIngressAction": async () => ({
    id: String((await freshIngress()).id),
  }),
  "app/(control-panel)/users/actions.ts#inviteUserAction": async () => ({
    name: "Invited Person",
    email: `${unique("invited")}@example.test`,
    role: "support",
  }),
  "app/(control-panel)/users/actions.ts#changeRoleAction": async () => ({
    userId: await staffTarget(),
    role: "auditor",
  }),
  "app/(control-panel)/users/actions.ts#setUserStatusAction": async () => ({
    userId: await staffTarget(),
    status: "disabled",
  }),
  "app/(control-panel)/users/actions.ts#sendPasswordResetAction": async () => ({
    userId: await staffTarget(),
  }),
  "app/(control-panel)/users/actions.ts#resetTotpAction": async () => {
    const target = await insertTestUser(db, { role: "support" });
    await enrolUser(asCurrent(target));
    return { userId: String(target.id) };
  },
  "app/(control-panel)/users/actions.ts#setPortalAdminAction": async () => ({
    userId: await portalTarget(),
    portalAdmin: "true",
  }),
  "app/(control-panel)/api-keys/actions.ts#generateApiKeyAction": async () => ({
    name: unique("Key"),
    scope: "read",
  }),
  "app/(control-panel)/api-keys/actions.ts#revokeApiKeyAction": async () => {
    const key = await generateApiKey(db, actorForUser(fx.as.admin, REQUEST), {
      name: unique("Key"),
      scope: "read",
      expiresAt: null,
    });
    return { id: String(key.id) };
  },
  "app/(control-panel)/settings/columns/actions.ts#setRoleColumnsAction": async () => ({
    role: "support",
    "columns[]": ["user", "occurredAt", "action", "message"],
  }),
  "app/(control-panel)/settings/columns/actions.ts#setUserColumnsAction": async () => ({
    userId: await staffTarget(),
    "columns[]": ["user", "occurredAt", "action"],
  }),
  "app/(control-panel)/settings/columns/actions.ts#clearUserColumnsAction": async () => {
    const userId = await staffTarget();
    await setAuditColumnPermissions(db, systemActor("test"), { userId: Number(userId) }, [
      "user",
      "action",
    ]);
    return { userId };
  },
  // The values the database holds already (the defaults): the save is allowed and changes nothing,
  // so the other rows of this matrix run under the same setting.
  "app/(control-panel)/settings/security/actions.ts#updateSecuritySettingsAction": async () => ({
    auditCommentControlPanel: "off",
    auditCommentPortal: "off",
  }),
  "app/(control-panel)/settings/cdr-fields/actions.ts#setAudienceFieldsAction": async () => ({
    accountType: "carrier",
    "fields[]": ["dt", "dest_number", "duration"],
    "label.duration": unique("Seconds").slice(0, 30),
  }),
  "app/(control-panel)/settings/cdr-fields/actions.ts#setAccountFieldsAction": async () => ({
    accountId: String(await freshAccount()),
    "state.ingress_id": "shown",
  }),
  "app/(control-panel)/settings/cdr-fields/actions.ts#clearAccountFieldsAction": async () => {
    const accountId = await freshAccount();
    await setAccountCdrFields(db, systemActor("test"), {
      accountId,
      states: { codec: "shown" },
      labels: {},
      positions: {},
    });
    return { accountId: String(accountId) };
  },
  "app/(control-panel)/settings/cdr-fields/actions.ts#setRoleColumnsAction": async () => ({
    surface: "breakout",
    role: "support",
    "columns[]": ["customer_dest_name", "attempts", "cost"],
  }),
  "app/(control-panel)/settings/cdr-fields/actions.ts#setUserColumnsAction": async () => ({
    surface: "cdr",
    userId: await staffTarget(),
    "columns[]": ["dt", "carrier_rate"],
  }),
  "app/(control-panel)/settings/cdr-fields/actions.ts#clearColumnsAction": async () => {
    const userId = await staffTarget();
    await setUserColumns(db, systemActor("test"), {
      surface: "breakout",
      userId: Number(userId),
      columns: ["attempts"],
    });
    return { surface: "breakout", userId };
  },
  "app/(control-panel)/audit-log/integrity/actions.ts#verifyAuditLogAction": async () => ({}),
  "app/(control-panel)/audit-log/streaming/actions.ts#createStreamDestinationAction": async () => ({
    name: unique("SIEM"),
    kind: "webhook",
    url: "https://siem.example.com/in",
    secret: "a-signing-secret-0123456789",
    batchSize: "10",
  }),
  "app/(control-panel)/audit-log/streaming/actions.ts#updateStreamDestinationAction": async () => ({
    id: await streamDestination(),
    version: "1",
    name: unique("SIEM"),
    kind: "file",
    fileName: "authz-renamed.ndjson",
  }),
  "app/(control-panel)/audit-log/streaming/actions.ts#deleteStreamDestinationAction": async () => ({
    id: await streamDestination(),
  }),
  "app/(control-panel)/audit-log/streaming/actions.ts#setStreamDestinationEnabledAction":
    async () => ({ id: await streamDestination(), enabled: "false" }),
  "app/(control-panel)/audit-log/streaming/actions.ts#replayStreamDestinationAction": async () => ({
    id: await streamDestination(),
    fromId: "1",
  }),
  "app/(control-panel)/audit-log/streaming/actions.ts#sendStreamTestAction": async () => ({
    id: await streamDestination(),
  }),
  "app/(control-panel)/branding/actions.ts#saveDraftAction": async () =>
    draftForm({ portalName: unique("Portal") }),
  "app/(control-panel)/branding/actions.ts#publishAction": async () => {
    const draft = await changedDraft();
    return { version: String(draft.version) };
  },
  "app/(control-panel)/branding/actions.ts#restoreVersionAction": async () => {
    const draft = await changedDraft();
    const { rows } = await database.client.query<{ id: string }>(
      "select id::text from branding_versions order by id limit 1",
    );
    return { versionId: rows[0]?.id ?? "1", version: String(draft.version) };
  },
  "app/(control-panel)/branding/actions.ts#uploadImageAction": async () => ({
    kind: "logo",
    file: logo(),
  }),
  "app/(control-panel)/branding/actions.ts#removeImageAction": async () => {
    await prepare(runAs(db, uploadImageOperation, fx.as.admin, { kind: "logo", file: logo() }));
    return { kind: "logo" };
  },
  "app/portal/profile/actions.ts#updateProfileAction": async () => ({
    name: unique("Renamed Person"),
    timeZone: "Europe/London",
  }),
  "app/(control-panel)/profile/actions.ts#changeOwnPasswordAction": async () => ({
    currentPassword: "correct horse battery",
    newPassword: "another horse battery",
    confirmPassword: "another horse battery",
  }),
  // Signing out the others needs a session of one's own, as every real request has.
  "app/(auth)/actions.ts#signOutOtherSessionsAction": async (a) => {
    if (a !== "anonymous") {
      const sessionId = await openSession(db, fx.as[a].id, { ip: null, userAgent: "vitest" });
      fx.as[a] = { ...fx.as[a], sessionId };
    }
    return {};
  },
  "app/portal/profile/actions.ts#changePasswordAction": async () => ({
    currentPassword: "correct horse battery",
    newPassword: "another horse battery",
    confirmPassword: "another horse battery",
  }),
  "app/portal/users/actions.ts#invitePortalUserAction": async () => ({
    name: "Colleague",
    email: `${unique("colleague")}@example.test`,
  }),
  "app/portal/users/actions.ts#setPortalUserStatusAction": async (a) => ({
    userId: ownColleague(a),
    status: "disabled",
  }),
  "app/portal/api-keys/actions.ts#generatePortalApiKeyAction": async () => ({
    name: unique("Key"),
    scope: "read_write",
  }),
  "app/portal/api-keys/actions.ts#revokePortalApiKeyAction": async (a) => ({
    id: await portalKey(a === "carrier" ? "carrier" : "customer"),
  }),
  "app/portal/contact/actions.ts#updateContactAction": async (a) => ({
    version: await versionOf("accounts", a === "carrier" ? fx.carrierAccount : fx.customerAccount),
    billingEmail: `${unique("billing")}@example.test`,
    country: "GB",
  }),
  "app/(control-panel)/audit-log/watches/actions.ts#createWatchAction": async () => WATCH_FIELDS,
  "app/(control-panel)/audit-log/watches/actions.ts#updateWatchAction": async (a) => ({
    id: await watchOf(a),
    ...WATCH_FIELDS,
    active: "on",
  }),
  "app/(control-panel)/audit-log/watches/actions.ts#deleteWatchAction": async (a) => ({
    id: await watchOf(a),
  }),
  "app/portal/audit-log/watches/actions.ts#createPortalWatchAction": async () => WATCH_FIELDS,
  "app/portal/audit-log/watches/actions.ts#updatePortalWatchAction": async (a) => ({
    id: await watchOf(a),
    ...WATCH_FIELDS,
  }),
  "app/portal/audit-log/watches/actions.ts#deletePortalWatchAction": async (a) => ({
    id: await watchOf(a),
  }),
  "lib/visibility/save-columns-action.ts#saveAuditColumnsAction": async () => ({
    "visible[]": [...AUDIT_COLUMN_KEYS],
  }),
  "lib/cdrs/save-preference-actions.ts#saveCdrFieldsPreferenceAction": async () => ({
    "visible[]": ["dt", "duration"],
  }),
  "lib/cdrs/save-preference-actions.ts#saveBreakoutColumnsPreferenceAction": async () => ({
    "visible[]": ["attempts", "asr"],
  }),
};

/** A watch of `owner` (an anonymous caller names the admin's). */
async function watchOf(owner: Audience): Promise<string> {
  const user = fx.as[owner === "anonymous" ? "admin" : owner];
  const watch = await createWatch(db, actorForUser(user, REQUEST), user, {
    name: unique("Watch"),
    query: "action:DELETE",
    channel: "email",
    webhookUrl: undefined,
    webhookSecret: undefined,
  });
  return String(watch.id);
}

const WATCH_FIELDS = { name: "Deletions", query: "action:DELETE", channel: "email" };

/** Inputs of the scoped cases (matrix.ts SCOPED_CASES), by case id. */
const SCOPED_INPUTS: Record<string, InputFor> = {
  // The customer's admin names the carrier's colleague, and the other way round.
  "disable-user-of-another-account": async (a) => ({
    userId: String(a === "carrier" ? fx.colleague.customer : fx.colleague.carrier),
    status: "disabled",
  }),
  // The customer's admin names a key of the carrier's account, and the other way round.
  "revoke-key-of-another-account": async (a) => ({
    id: await portalKey(a === "carrier" ? "customer" : "carrier"),
  }),
  // A colleague's watch for portal users (the same account), the auditor's for staff.
  "edit-watch-of-another-user": async (a) => ({
    id: await watchOf(
      a === "customer"
        ? "member"
        : a === "member"
          ? "customer"
          : a === "carrier"
            ? "customer"
            : "auditor",
    ),
    ...WATCH_FIELDS,
  }),
  "delete-watch-of-another-user": async (a) => ({
    id: await watchOf(a === "customer" ? "member" : a === "admin" ? "support" : "admin"),
  }),
  "invite-into-another-account": async (a) => ({
    name: "Smuggled",
    email: `${unique("smuggled")}@example.test`,
    accountId: String(a === "carrier" ? fx.customerAccount : fx.carrierAccount),
    role: "admin",
    portalAdmin: "on",
  }),
};

// --- running one case -------------------------------------------------------------------------

type Result = { status: string; error?: string; fieldErrors?: Record<string, string[]> };
type ServerAction = (prev: unknown, formData: FormData) => Promise<unknown>;

const moduleOf = (key: string) => key.slice("action ".length).split("#")[0]!;
const nameOf = (key: string) => key.split("#")[1]!;

async function loadAction(key: string): Promise<ServerAction> {
  const mod = (await import(path.join(ROOT, moduleOf(key)))) as Record<string, unknown>;
  const fn = mod[nameOf(key)];
  if (typeof fn !== "function") throw new Error(`${key} is not an exported function`);
  return fn as ServerAction;
}

function formData(raw: Raw): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(raw)) {
    for (const item of Array.isArray(v) ? v : [v]) fd.append(k, item);
  }
  return fd;
}

/** Calls the action as `audience`; a redirect (Next's way of ending a successful action) is ok. */
async function call(key: string, audience: Audience, raw: Raw): Promise<Result> {
  const action = await loadAction(key);
  request.user = audience === "anonymous" ? null : fx.as[audience];
  request.redirects = [];
  try {
    const result = await action({ status: "idle" }, formData(raw));
    // setPasswordAction has its own state shape; signOutAction returns nothing.
    if (result === undefined) return { status: "ok" };
    const r = result as Partial<Result> & { done?: boolean };
    if (r.status === undefined) return { status: r.error ? "error" : "ok", error: r.error };
    return r as Result;
  } catch (err) {
    if (request.redirects.length > 0) return { status: "ok" };
    throw err;
  } finally {
    request.user = null;
  }
}

function refusalOf(result: Result): Outcome | null {
  if (result.status !== "error" || result.fieldErrors) return null;
  if (result.error === SESSION_ENDED) return "login";
  if (result.error === ROLE_REFUSED || PORTAL_ADMIN_REFUSALS.includes(result.error ?? ""))
    return "403";
  if (NOT_FOUND.includes(result.error ?? "")) return "404";
  return null;
}

async function check(key: string, audience: Audience, expected: Outcome, raw: Raw) {
  const before = await checksum();
  const result = await call(key, audience, raw);
  const refusal = refusalOf(result);
  if (isRefusal(expected)) {
    expect({ refusal, result }).toMatchObject({ refusal: expected });
    expect(await checksum(), "a refused call changed nothing").toEqual(before);
  } else {
    expect({ refusal, result }).toMatchObject({ refusal: null });
    // An allowed call with a valid input succeeds. A public one has no role check: its credential
    // (password, link token) is what decides, and the inputs here hold wrong ones.
    if (expected === "ok") expect(result).toMatchObject({ status: "ok" });
  }
  return result;
}

const bugFor = (key: string, a: Audience) =>
  KNOWN_BUGS.find((b) => b.key === key && b.audience === a);

describe("authorization matrix: server actions", () => {
  for (const row of ACTION_ROWS) {
    describe(row.key.slice(7), () => {
      for (const audience of AUDIENCES) {
        const expected = row.expect[audience];
        const bug = bugFor(row.key, audience);
        // A known bug runs as an expected failure: green while it exists, red once fixed.
        const test = bug ? it.fails : it;
        test(`[${audience}] ${expected}${bug ? ` (known bug: ${bug.todo})` : ""}`, async () => {
          const input = INPUTS[row.key.slice(7)];
          expect(input, `INPUTS has no entry for ${row.key}`).toBeDefined();
          await check(row.key, audience, expected, await input!(audience));
        });
      }
    });
  }

  describe("scoped cases", () => {
    for (const c of SCOPED_CASES.filter((s) => s.key.startsWith("action "))) {
      for (const [audience, expected] of Object.entries(c.expect) as [Audience, Outcome][]) {
        it(`[${audience}] ${c.key.slice(7)} with ${c.given}: ${expected}`, async () => {
          const input = SCOPED_INPUTS[c.id];
          expect(input, `SCOPED_INPUTS has no entry for ${c.id}`).toBeDefined();
          const raw = await input!(audience);
          const result = await check(c.key, audience, expected, raw);
          if (c.id === "invite-into-another-account") {
            // The form's accountId, role and portalAdmin are ignored: own account, its type's role.
            expect(result.status).toBe("ok");
            const [row] = await db
              .select({ accountId: users.accountId, role: users.role, admin: users.portalAdmin })
              .from(users)
              .where(eq(users.email, String(raw.email)));
            const own = audience === "carrier" ? fx.carrierAccount : fx.customerAccount;
            expect(row).toEqual({ accountId: own, role: audience, admin: false });
          }
        });
      }
    }
  });
});
