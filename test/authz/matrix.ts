/**
 * The authorization matrix: who may reach every page, route handler and server action, as
 * PRODUCT.md §2 and lib/auth/permissions.ts say. This file is the spec in code; the tests only
 * read it. test/authz/coverage.test.ts fails when an entry point exists without a row here (or a
 * row names one that does not), test/authz/actions.test.ts runs every action row in-process, and
 * e2e/authz-matrix.spec.ts requests every page and handler row over HTTP.
 *
 * Outcomes, by kind of entry point:
 *
 * | outcome  | page                          | route handler                   | server action                 |
 * |----------|-------------------------------|---------------------------------|-------------------------------|
 * | `ok`     | 200                           | 200                             | passes the role check         |
 * | `public` | 200, no role involved         | 200 (or its own non-role check) | no role check (credential in  |
 * |          |                               |                                 | the input: password, token)   |
 * | `login`  | 307 to /login                 | no cookie: 307 to /login (the   | "Your session has ended"      |
 * |          |                               | proxy); forged cookie: 401      |                               |
 * | `home`   | 307 to the user's own app     | –                               | –                             |
 * |          | (staff /audit-log, portal     |                                 |                               |
 * |          | /portal)                      |                                 |                               |
 * | `403`    | 403 (forbidden())             | 403                             | the role error, or the portal |
 * |          |                               |                                 | admin refusal                 |
 * | `404`    | 404                           | 404                           | the record is "not found"     |
 *
 * Every refused case (`login`, `home`, `403`, `404`) is also checked to have changed nothing.
 * Anonymous is tested twice over HTTP: with no cookie (the proxy answers) and with a forged
 * session cookie (the page or handler's own check answers), so neither layer is trusted alone.
 */

export const AUDIENCES = [
  "anonymous",
  "admin",
  "support",
  "auditor",
  "branding",
  "customer",
  "carrier",
  "member",
] as const;
/**
 * `customer` and `carrier` are their account's portal administrators (the demo sign-ins);
 * `member` is a customer account's user who is not (README: only portal admins invite and
 * disable colleagues or edit contact details).
 */
export type Audience = (typeof AUDIENCES)[number];

export type Outcome = "ok" | "public" | "login" | "home" | "401" | "403" | "404";
export const isRefusal = (o: Outcome) =>
  o === "login" || o === "home" || o === "401" || o === "403" || o === "404";

export type MatrixRow = { key: string; expect: Record<Audience, Outcome> };

type Cells = readonly [
  string,
  Outcome,
  Outcome,
  Outcome,
  Outcome,
  Outcome,
  Outcome,
  Outcome,
  Outcome,
];

function rows(cells: readonly Cells[]): MatrixRow[] {
  return cells.map(([key, ...outcomes]) => ({
    key,
    expect: Object.fromEntries(AUDIENCES.map((a, i) => [a, outcomes[i]!])) as Record<
      Audience,
      Outcome
    >,
  }));
}

// prettier-ignore
export const PAGE_ROWS = rows([
  // page route                               anonymous admin   support auditor branding customer carrier member
  ["page /login",                             "ok",     "home", "home", "home", "home",  "home",  "home", "home"],
  ["page /set-password",                      "public", "public","public","public","public","public","public","public"],
  // Own two-factor sign-in, in either app (profile:self): outside both layouts.
  ["page /two-factor",                        "login",  "ok",   "ok",   "ok",   "ok",    "ok",    "ok",   "ok"],
  // Control Panel: staff only; portal users are sent to the portal.
  ["page /",                                  "login",  "home", "home", "home", "home",  "home",  "home", "home"],
  ["page /audit-log",                         "login",  "ok",   "ok",   "ok",   "ok",    "home",  "home", "home"],
  // audit:verify — the chain's last verification and "Verify now": admin and auditor.
  ["page /audit-log/watches",                 "login",  "ok",   "ok",   "ok",   "ok",    "home",  "home", "home"],
  ["page /audit-log/integrity",               "login",  "ok",   "403",  "ok",   "403",   "home",  "home", "home"],
  // audit:stream — SIEM destinations (targets, delivery state): admin only.
  ["page /audit-log/streaming",               "login",  "ok",   "403",  "403",  "403",   "home",  "home", "home"],
  ["page /accounts",                          "login",  "ok",   "ok",   "ok",   "403",   "home",  "home", "home"],
  ["page /accounts/new",                      "login",  "ok",   "ok",   "403",  "403",   "home",  "home", "home"],
  ["page /accounts/[id]",                     "login",  "ok",   "ok",   "ok",   "403",   "home",  "home", "home"],
  ["page /accounts/[id]/ingress/[ingressId]", "login",  "ok",   "ok",   "ok",   "403",   "home",  "home", "home"],
  // cdr:read — staff but branding; fields per role (lib/cdrs/viewer-policy.ts)
  ["page /cdrs",                              "login",  "ok",   "ok",   "ok",   "403",   "home",  "home", "home"],
  ["page /cdrs/[ref]",                        "login",  "ok",   "ok",   "ok",   "403",   "home",  "home", "home"],
  // TODO(authz, ask): §2 gives the auditor "read-only everywhere"; permissions.ts reads that as
  // audit, accounts and CDRs only, so the auditor is refused users, API keys, the outbox (which
  // holds set-password links) and column settings. Kept as the code has it until decided.
  ["page /users",                             "login",  "ok",   "403",  "403",  "403",   "home",  "home", "home"],
  ["page /users/[id]",                        "login",  "ok",   "403",  "403",  "403",   "home",  "home", "home"],
  ["page /api-keys",                          "login",  "ok",   "403",  "403",  "403",   "home",  "home", "home"],
  ["page /outbox",                            "login",  "ok",   "403",  "403",  "403",   "home",  "home", "home"],
  ["page /settings/columns",                  "login",  "ok",   "403",  "403",  "403",   "home",  "home", "home"],
  // settings:manage — the audit comment and admin two-factor: admin only.
  ["page /settings/security",                 "login",  "ok",   "403",  "403",  "403",   "home",  "home", "home"],
  // cdr:read — every role but branding; columns within it follow the viewer's CDR policy.
  ["page /reports/breakout",                  "login",  "ok",   "ok",   "ok",   "403",   "home",  "home", "home"],
  // settings:read — the admin, and the auditor read-only (no forms bound).
  ["page /settings/cdr-fields",               "login",  "ok",   "403",  "ok",   "403",   "home",  "home", "home"],
  ["page /branding",                          "login",  "ok",   "403",  "403",  "ok",    "home",  "home", "home"],
  ["page /branding/versions",                 "login",  "ok",   "403",  "403",  "ok",    "home",  "home", "home"],
  ["page /branding-preview",                  "login",  "ok",   "403",  "403",  "ok",    "home",  "home", "home"],
  // The REST API's reference: every staff member (the document is public and holds no data).
  ["page /api-docs",                          "login",  "ok",   "ok",   "ok",   "ok",    "home",  "home", "home"],
  // Every staff member's own password and sessions.
  ["page /profile",                           "login",  "ok",   "ok",   "ok",   "ok",    "home",  "home", "home"],
  // Customer Portal: account users only; staff are sent to the Control Panel.
  ["page /portal",                            "login",  "home", "home", "home", "home",  "ok",    "ok",   "ok"],
  ["page /portal/audit-log",                  "login",  "home", "home", "home", "home",  "ok",    "ok",   "ok"],
  ["page /portal/audit-log/watches",          "login",  "home", "home", "home", "home",  "ok",    "ok",   "ok"],
  ["page /portal/cdrs",                       "login",  "home", "home", "home", "home",  "ok",    "ok",   "ok"],
  ["page /portal/reports/breakout",           "login",  "home", "home", "home", "home",  "ok",    "ok",   "ok"],
  // A call of Acme's carried by Zephyr: both portal accounts' own (another's is a scoped case).
  ["page /portal/cdrs/[ref]",                 "login",  "home", "home", "home", "home",  "ok",    "ok",   "ok"],
  ["page /portal/profile",                    "login",  "home", "home", "home", "home",  "ok",    "ok",   "ok"],
  // A member sees the users and contact details read-only (no forms rendered).
  ["page /portal/users",                      "login",  "home", "home", "home", "home",  "ok",    "ok",   "ok"],
  ["page /portal/users/[id]",                 "login",  "home", "home", "home", "home",  "ok",    "ok",   "ok"],
  ["page /portal/contact",                    "login",  "home", "home", "home", "home",  "ok",    "ok",   "ok"],
  // The account's API keys: its portal administrators only (lib/api-keys/portal-keys.ts).
  ["page /portal/api-keys",                   "login",  "home", "home", "home", "home",  "ok",    "ok",   "403"],
]);

// prettier-ignore
export const HANDLER_ROWS = rows([
  // route handler                            anonymous admin   support auditor branding customer carrier member
  // NextAuth's own endpoints: the CSRF token and the credentials are the check, not a role.
  ["GET /api/auth/[...nextauth]",             "public", "public","public","public","public","public","public","public"],
  ["POST /api/auth/[...nextauth]",            "public", "public","public","public","public","public","public","public"],
  // View Difference: an entry outside the viewer's scope is a 404, like one that does not exist.
  // The sample is an accounts entry, outside the branding role's tables.
  ["GET /audit-log/entries/[id]",             "login",  "ok",   "ok",   "ok",   "404",   "404",   "404",  "404"],
  ["GET /portal/audit-log/entries/[id]",      "login",  "404",  "404",  "404",  "404",   "ok",    "ok",   "ok"],
  // Exports: permissions.ts gives audit:export to admin, auditor and portal users only (§2 names
  // exports for the auditor, not for support or branding).
  ["GET /audit-log/export",                   "login",  "ok",   "403",  "ok",   "403",   "403",   "403",  "403"],
  ["GET /portal/audit-log/export",            "login",  "403",  "403",  "403",  "403",   "ok",    "ok",   "ok"],
  // The live tail (Server-Sent Events): whoever reads that audit page; the other app's is a 403.
  // Asked without `Accept: text/event-stream`, it answers its events once and ends.
  ["GET /audit-log/live",                     "login",  "ok",   "ok",   "ok",   "ok",    "403",   "403",  "403"],
  ["GET /portal/audit-log/live",              "login",  "403",  "403",  "403",  "403",   "ok",    "ok",   "ok"],
  // The breakout report's CSV: cdr:read, each in its own app (staff here, account users there).
  ["GET /reports/breakout/export",            "login",  "ok",   "ok",   "ok",   "403",   "403",   "403",  "403"],
  ["GET /portal/reports/breakout/export",     "login",  "403",  "403",  "403",  "403",   "ok",    "ok",   "ok"],
  // CDR exports: whoever reads the CDRs may export the same view (each writes a GENERATE entry).
  ["GET /cdrs/export",                        "login",  "ok",   "ok",   "ok",   "403",   "403",   "403",  "403"],
  ["GET /portal/cdrs/export",                 "login",  "403",  "403",  "403",  "403",   "ok",    "ok",   "ok"],
  // Published branding assets, addressed by content hash: public (the portal's frame links them).
  ["GET /portal-assets/custom/[file]",        "public", "public","public","public","public","public","public","public"],
  ["GET /portal-assets/images/[file]",        "public", "public","public","public","public","public","public","public"],
  // The OpenAPI document: public, without a key or a session (it describes, it holds no data).
  ["GET /api/v1/openapi.json",                "public", "public","public","public","public","public","public","public"],
]);

// prettier-ignore
export const ACTION_ROWS = rows([
  // server action (module#export)                                         anonymous admin  support auditor branding customer carrier member
  ["action app/(auth)/login/actions.ts#signInAction",                      "public", "public","public","public","public","public","public","public"],
  ["action app/(auth)/actions.ts#signOutAction",                           "public", "public","public","public","public","public","public","public"],
  ["action app/(auth)/set-password/actions.ts#setPasswordAction",          "public", "public","public","public","public","public","public","public"],
  // The sign-in's code step: its credential is the password step's ticket and the code.
  ["action app/(auth)/login/actions.ts#secondFactorAction",                "public", "public","public","public","public","public","public","public"],
  // profile:self, any audience — one's own second factor
  ["action app/(auth)/two-factor/actions.ts#enrolTotpAction",              "login",  "ok",  "ok",   "ok",   "ok",    "ok",    "ok",   "ok"],
  ["action app/(auth)/two-factor/actions.ts#regenerateRecoveryCodesAction","login",  "ok",  "ok",   "ok",   "ok",    "ok",    "ok",   "ok"],
  ["action app/(auth)/two-factor/actions.ts#removeTotpAction",             "login",  "ok",  "ok",   "ok",   "ok",    "ok",    "ok",   "ok"],
  // profile:self — everyone's own sign-in; the staff password form is the staff audience's.
  ["action app/(auth)/actions.ts#signOutOtherSessionsAction",              "login",  "ok",  "ok",   "ok",   "ok",    "ok",    "ok",   "ok"],
  ["action app/(control-panel)/profile/actions.ts#changeOwnPasswordAction", "login", "ok",  "ok",   "ok",   "ok",    "403",   "403",  "403"],
  // audit:verify — admin and auditor; an allowed run writes its result and a GENERATE entry
  ["action app/(control-panel)/audit-log/integrity/actions.ts#verifyAuditLogAction","login","ok","403","ok","403","403","403","403"],
  // audit:stream — admin only; each allowed change is an audit entry
  ["action app/(control-panel)/audit-log/streaming/actions.ts#createStreamDestinationAction","login","ok","403","403","403","403","403","403"],
  ["action app/(control-panel)/audit-log/streaming/actions.ts#updateStreamDestinationAction","login","ok","403","403","403","403","403","403"],
  ["action app/(control-panel)/audit-log/streaming/actions.ts#deleteStreamDestinationAction","login","ok","403","403","403","403","403","403"],
  ["action app/(control-panel)/audit-log/streaming/actions.ts#setStreamDestinationEnabledAction","login","ok","403","403","403","403","403","403"],
  ["action app/(control-panel)/audit-log/streaming/actions.ts#replayStreamDestinationAction","login","ok","403","403","403","403","403","403"],
  ["action app/(control-panel)/audit-log/streaming/actions.ts#sendStreamTestAction","login","ok","403","403","403","403","403","403"],
  // accounts:manage — admin and support
  ["action app/(control-panel)/accounts/actions.ts#createAccountAction",   "login",  "ok",  "ok",   "403",  "403",   "403",   "403",  "403"],
  ["action app/(control-panel)/accounts/actions.ts#updateAccountAction",   "login",  "ok",  "ok",   "403",  "403",   "403",   "403",  "403"],
  ["action app/(control-panel)/accounts/actions.ts#setAccountStatusAction","login",  "ok",  "ok",   "403",  "403",   "403",   "403",  "403"],
  ["action app/(control-panel)/accounts/actions.ts#deleteAccountAction",   "login",  "ok",  "ok",   "403",  "403",   "403",   "403",  "403"],
  ["action app/(control-panel)/accounts/actions.ts#restoreEntryAction",    "login",  "ok",  "ok",   "403",  "403",   "403",   "403",  "403"],
  ["action app/(control-panel)/accounts/actions.ts#createIngressAction",   "login",  "ok",  "ok",   "403",  "403",   "403",   "403",  "403"],
  ["action app/(control-panel)/accounts/actions.ts#updateIngressAction",   "login",  "ok",  "ok",   "403",  "403",   "403",   "403",  "403"],
  ["action app/(control-panel)/accounts/actions.ts#deleteIngressAction",   "login",  "ok",  "ok",   "403",  "403",   "403",   "403",  "403"],
  // users:manage — admin only
  ["action app/(control-panel)/users/actions.ts#inviteUserAction",         "login",  "ok",  "403",  "403",  "403",   "403",   "403",  "403"],
  ["action app/(control-panel)/users/actions.ts#changeRoleAction",         "login",  "ok",  "403",  "403",  "403",   "403",   "403",  "403"],
  ["action app/(control-panel)/users/actions.ts#setUserStatusAction",      "login",  "ok",  "403",  "403",  "403",   "403",   "403",  "403"],
  ["action app/(control-panel)/users/actions.ts#sendPasswordResetAction",  "login",  "ok",  "403",  "403",  "403",   "403",   "403",  "403"],
  ["action app/(control-panel)/users/actions.ts#setPortalAdminAction",     "login",  "ok",  "403",  "403",  "403",   "403",   "403",  "403"],
  ["action app/(control-panel)/users/actions.ts#resetTotpAction",          "login",  "ok",  "403",  "403",  "403",   "403",   "403",  "403"],
  // api-keys:manage — admin only
  ["action app/(control-panel)/api-keys/actions.ts#generateApiKeyAction",  "login",  "ok",  "403",  "403",  "403",   "403",   "403",  "403"],
  ["action app/(control-panel)/api-keys/actions.ts#revokeApiKeyAction",    "login",  "ok",  "403",  "403",  "403",   "403",   "403",  "403"],
  // settings:manage (column visibility) — admin only
  ["action app/(control-panel)/settings/columns/actions.ts#setRoleColumnsAction",  "login","ok","403","403","403",  "403",   "403",  "403"],
  ["action app/(control-panel)/settings/columns/actions.ts#setUserColumnsAction",  "login","ok","403","403","403",  "403",   "403",  "403"],
  ["action app/(control-panel)/settings/columns/actions.ts#clearUserColumnsAction","login","ok","403","403","403",  "403",   "403",  "403"],
  // settings:manage (audit comment, admin two-factor) — admin only
  ["action app/(control-panel)/settings/security/actions.ts#updateSecuritySettingsAction","login","ok","403","403","403","403","403","403"],
  // settings:manage (CDR fields and breakout columns) — admin only; the auditor reads the page
  ["action app/(control-panel)/settings/cdr-fields/actions.ts#setAudienceFieldsAction", "login","ok","403","403","403","403","403","403"],
  ["action app/(control-panel)/settings/cdr-fields/actions.ts#setAccountFieldsAction",  "login","ok","403","403","403","403","403","403"],
  ["action app/(control-panel)/settings/cdr-fields/actions.ts#clearAccountFieldsAction","login","ok","403","403","403","403","403","403"],
  ["action app/(control-panel)/settings/cdr-fields/actions.ts#setRoleColumnsAction",    "login","ok","403","403","403","403","403","403"],
  ["action app/(control-panel)/settings/cdr-fields/actions.ts#setUserColumnsAction",    "login","ok","403","403","403","403","403","403"],
  ["action app/(control-panel)/settings/cdr-fields/actions.ts#clearColumnsAction",      "login","ok","403","403","403","403","403","403"],
  // branding:manage — admin and branding
  ["action app/(control-panel)/branding/actions.ts#saveDraftAction",       "login",  "ok",  "403",  "403",  "ok",    "403",   "403",  "403"],
  ["action app/(control-panel)/branding/actions.ts#publishAction",         "login",  "ok",  "403",  "403",  "ok",    "403",   "403",  "403"],
  ["action app/(control-panel)/branding/actions.ts#restoreVersionAction",  "login",  "ok",  "403",  "403",  "ok",    "403",   "403",  "403"],
  ["action app/(control-panel)/branding/actions.ts#uploadImageAction",     "login",  "ok",  "403",  "403",  "ok",    "403",   "403",  "403"],
  ["action app/(control-panel)/branding/actions.ts#removeImageAction",     "login",  "ok",  "403",  "403",  "ok",    "403",   "403",  "403"],
  // portal:self — own profile for every account user; colleagues and contact for portal admins
  ["action app/portal/profile/actions.ts#updateProfileAction",             "login",  "403", "403",  "403",  "403",   "ok",    "ok",   "ok"],
  ["action app/portal/profile/actions.ts#changePasswordAction",            "login",  "403", "403",  "403",  "403",   "ok",    "ok",   "ok"],
  ["action app/portal/users/actions.ts#invitePortalUserAction",            "login",  "403", "403",  "403",  "403",   "ok",    "ok",   "403"],
  ["action app/portal/users/actions.ts#setPortalUserStatusAction",         "login",  "403", "403",  "403",  "403",   "ok",    "ok",   "403"],
  ["action app/portal/contact/actions.ts#updateContactAction",             "login",  "403", "403",  "403",  "403",   "ok",    "ok",   "403"],
  // portal:self + portalAdmin — the account's own API keys (Control Panel keys stay admin-only)
  ["action app/portal/api-keys/actions.ts#generatePortalApiKeyAction",     "login",  "403", "403",  "403",  "403",   "ok",    "ok",   "403"],
  ["action app/portal/api-keys/actions.ts#revokePortalApiKeyAction",       "login",  "403", "403",  "403",  "403",   "ok",    "ok",   "403"],
  // audit:read, any audience — one's own column preference on the audit page
  ["action lib/visibility/save-columns-action.ts#saveAuditColumnsAction","login","ok", "ok",   "ok",   "ok",    "ok",    "ok",   "ok"],
  // audit:read, any audience — one's own watches (lib/watches/watches.ts); either app's forms
  ["action app/(control-panel)/audit-log/watches/actions.ts#createWatchAction","login","ok","ok","ok","ok","ok","ok","ok"],
  ["action app/(control-panel)/audit-log/watches/actions.ts#updateWatchAction","login","ok","ok","ok","ok","ok","ok","ok"],
  ["action app/(control-panel)/audit-log/watches/actions.ts#deleteWatchAction","login","ok","ok","ok","ok","ok","ok","ok"],
  ["action app/portal/audit-log/watches/actions.ts#createPortalWatchAction",   "login","ok","ok","ok","ok","ok","ok","ok"],
  ["action app/portal/audit-log/watches/actions.ts#updatePortalWatchAction",   "login","ok","ok","ok","ok","ok","ok","ok"],
  ["action app/portal/audit-log/watches/actions.ts#deletePortalWatchAction",   "login","ok","ok","ok","ok","ok","ok","ok"],
  // The CDR pages' and breakout report's own choosers: cdr:read (every role but branding).
  ["action lib/cdrs/save-preference-actions.ts#saveCdrFieldsPreferenceAction","login","ok","ok","ok","403","ok","ok","ok"],
  ["action lib/cdrs/save-preference-actions.ts#saveBreakoutColumnsPreferenceAction","login","ok","ok","ok","403","ok","ok","ok"],
]);

/**
 * The REST API (/api/v1), run in-process by test/authz/api.test.ts. The audience is the role of
 * the key's owner (each with a read-and-write key); `anonymous` sends no key (`401`). `ok` for a
 * read is 200; for a change it is getting past authorization to the operation's own checks (a
 * body of `{}` answers 422, a DELETE of a fresh record 204). A portal key's record of another
 * account is a 404, like one that does not exist (SCOPED_CASES).
 */
// prettier-ignore
export const API_ROWS = rows([
  // API route                                anonymous admin   support auditor branding customer carrier member
  // accounts:read for staff; a portal key reads its own account only.
  ["GET /api/v1/accounts",                    "401",    "ok",   "ok",   "ok",   "403",   "ok",    "ok",   "ok"],
  ["GET /api/v1/accounts/[id]",               "401",    "ok",   "ok",   "ok",   "403",   "ok",    "ok",   "ok"],
  // accounts:manage — admin and support, as the forms.
  ["POST /api/v1/accounts",                   "401",    "ok",   "ok",   "403",  "403",   "403",   "403",  "403"],
  ["PUT /api/v1/accounts/[id]",               "401",    "ok",   "ok",   "403",  "403",   "403",   "403",  "403"],
  ["DELETE /api/v1/accounts/[id]",            "401",    "ok",   "ok",   "403",  "403",   "403",   "403",  "403"],
  // The portal shows no ingress routes: neither does the API to portal keys.
  ["GET /api/v1/accounts/[id]/ingress",       "401",    "ok",   "ok",   "ok",   "403",   "403",   "403",  "403"],
  ["POST /api/v1/accounts/[id]/ingress",      "401",    "ok",   "ok",   "403",  "403",   "403",   "403",  "403"],
  ["GET /api/v1/ingress/[id]",                "401",    "ok",   "ok",   "ok",   "403",   "404",   "404",  "404"],
  ["PUT /api/v1/ingress/[id]",                "401",    "ok",   "ok",   "403",  "403",   "403",   "403",  "403"],
  ["DELETE /api/v1/ingress/[id]",             "401",    "ok",   "ok",   "403",  "403",   "403",   "403",  "403"],
  // users:manage for staff (admin); a portal key reads its own account's users, as the portal.
  ["GET /api/v1/users",                       "401",    "ok",   "403",  "403",  "403",   "ok",    "ok",   "ok"],
  ["GET /api/v1/users/[id]",                  "401",    "ok",   "403",  "403",  "403",   "ok",    "ok",   "ok"],
  // cdr:read — every role but branding, each within its CDR policy; ingest is cdr:ingest (admin).
  ["GET /api/v1/cdrs",                        "401",    "ok",   "ok",   "ok",   "403",   "ok",    "ok",   "ok"],
  ["POST /api/v1/cdrs/batches",               "401",    "ok",   "403",  "403",  "403",   "403",   "403",  "403"],
  ["GET /api/v1/reports/breakout",            "401",    "ok",   "ok",   "ok",   "403",   "ok",    "ok",   "ok"],
  // audit:read — everyone, within their scope (branding: the branding tables).
  ["GET /api/v1/audit-log",                   "401",    "ok",   "ok",   "ok",   "ok",    "ok",    "ok",   "ok"],
  ["GET /api/v1/audit-log/[id]",              "401",    "ok",   "ok",   "ok",   "404",   "ok",    "ok",   "ok"],
  // branding:manage — admin and branding.
  ["GET /api/v1/branding",                    "401",    "ok",   "403",  "403",  "ok",    "403",   "403",  "403"],
  ["PUT /api/v1/branding",                    "401",    "ok",   "403",  "403",  "ok",    "403",   "403",  "403"],
  ["POST /api/v1/branding/publish",           "401",    "ok",   "403",  "403",  "ok",    "403",   "403",  "403"],
]);

export const MATRIX: readonly MatrixRow[] = [
  ...PAGE_ROWS,
  ...HANDLER_ROWS,
  ...API_ROWS,
  ...ACTION_ROWS,
];

/**
 * What a page or handler row requests. `{name}` placeholders are filled per audience from the
 * test database (e2e/authz-matrix.spec.ts says how): `{ownUser}` is a user of the requester's
 * own account (for staff, of the customer account), `{accountEntry}` an entry of the customer
 * account's records. A route without a sample is requested as written.
 */
export const SAMPLE_URLS: Readonly<Record<string, string>> = {
  "page /accounts/[id]": "/accounts/{customerAccount}",
  "page /accounts/[id]/ingress/[ingressId]":
    "/accounts/{customerAccount}/ingress/{customerIngress}",
  "page /users/[id]": "/users/{ownUser}",
  "page /portal/users/[id]": "/portal/users/{ownUser}",
  "GET /api/auth/[...nextauth]": "/api/auth/session",
  // Without the CSRF token NextAuth refuses before any credential is read.
  "POST /api/auth/[...nextauth]": "/api/auth/callback/credentials",
  "GET /audit-log/entries/[id]": "/audit-log/entries/{accountEntry}",
  "GET /portal/audit-log/entries/[id]": "/portal/audit-log/entries/{ownEntry}",
  "GET /audit-log/export": "/audit-log/export?format=csv",
  "GET /portal/audit-log/export": "/portal/audit-log/export?format=ndjson",
  "page /cdrs/[ref]": "/cdrs/{ownCdr}",
  "page /portal/cdrs/[ref]": "/portal/cdrs/{ownCdr}",
  "GET /cdrs/export": "/cdrs/export?connected=1",
  "GET /portal/cdrs/export": "/portal/cdrs/export?sip=2xx",
  "GET /portal-assets/custom/[file]": "/portal-assets/custom/{publishedCss}",
  "GET /portal-assets/images/[file]": "/portal-assets/images/{publishedLogo}",
  // API: `{ownAccount}` is the requester's account (staff: the customer account); `{fresh…}` a
  // record made for this one request (a DELETE that is allowed deletes it).
  "GET /api/v1/accounts/[id]": "/api/v1/accounts/{ownAccount}",
  "PUT /api/v1/accounts/[id]": "/api/v1/accounts/{ownAccount}",
  "DELETE /api/v1/accounts/[id]": "/api/v1/accounts/{freshAccount}",
  "GET /api/v1/accounts/[id]/ingress": "/api/v1/accounts/{ownAccount}/ingress",
  "POST /api/v1/accounts/[id]/ingress": "/api/v1/accounts/{ownAccount}/ingress",
  "GET /api/v1/ingress/[id]": "/api/v1/ingress/{ownIngress}",
  "PUT /api/v1/ingress/[id]": "/api/v1/ingress/{ownIngress}",
  "DELETE /api/v1/ingress/[id]": "/api/v1/ingress/{freshIngress}",
  "GET /api/v1/users/[id]": "/api/v1/users/{ownUser}",
  "GET /api/v1/audit-log/[id]": "/api/v1/audit-log/{ownEntry}",
};

/**
 * Cases that need a particular record: another account's ids (must be refused as not found,
 * indistinguishable from a missing record), or a record that changes the answer for a role.
 * `sample` for pages and handlers; for actions the test builds the input from `id`.
 */
export type ScopedCase = {
  id: string;
  key: string;
  given: string;
  sample?: string;
  expect: Partial<Record<Audience, Outcome>>;
};

export const SCOPED_CASES: readonly ScopedCase[] = [
  {
    id: "api-account-of-another-account",
    key: "GET /api/v1/accounts/[id]",
    given: "another account's id, with a portal key",
    sample: "/api/v1/accounts/{foreignAccount}",
    expect: { customer: "404", carrier: "404", member: "404" },
  },
  {
    id: "api-user-of-another-account",
    key: "GET /api/v1/users/[id]",
    given: "another account's user id, with a portal key",
    sample: "/api/v1/users/{foreignUser}",
    expect: { customer: "404", carrier: "404", member: "404" },
  },
  {
    id: "api-entry-of-another-account",
    key: "GET /api/v1/audit-log/[id]",
    given: "another account's audit entry id, with a portal key",
    sample: "/api/v1/audit-log/{foreignEntry}",
    expect: { customer: "404", carrier: "404", member: "404" },
  },
  {
    id: "portal-user-of-another-account",
    key: "page /portal/users/[id]",
    given: "another account's user id",
    sample: "/portal/users/{foreignUser}",
    expect: { customer: "404", carrier: "404", member: "404" },
  },
  {
    id: "portal-entry-of-another-account",
    key: "GET /portal/audit-log/entries/[id]",
    given: "another account's audit entry id",
    sample: "/portal/audit-log/entries/{foreignEntry}",
    expect: { customer: "404", carrier: "404", member: "404" },
  },
  {
    id: "cdr-of-another-account",
    key: "page /portal/cdrs/[ref]",
    given: "another account's call (neither Acme's nor Zephyr's), by sealed reference",
    sample: "/portal/cdrs/{foreignCdr}",
    expect: { customer: "404", carrier: "404", member: "404" },
  },
  {
    id: "cdr-forged-reference",
    key: "page /cdrs/[ref]",
    given: "a reference this server did not seal",
    sample: "/cdrs/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    expect: { admin: "404", support: "404", auditor: "404" },
  },
  {
    id: "entry-of-a-branding-table",
    key: "GET /audit-log/entries/[id]",
    given: "an entry of a branding table",
    sample: "/audit-log/entries/{brandingEntry}",
    expect: { admin: "ok", support: "ok", auditor: "ok", branding: "ok" },
  },
  {
    id: "draft-custom-code",
    key: "GET /portal-assets/custom/[file]",
    given: "the unpublished draft's custom CSS",
    sample: "/portal-assets/custom/{draftCss}",
    // branding:manage previews the draft; to everyone else unpublished code does not exist.
    expect: {
      anonymous: "404",
      admin: "ok",
      support: "404",
      auditor: "404",
      branding: "ok",
      customer: "404",
      carrier: "404",
      member: "404",
    },
  },
  {
    id: "disable-user-of-another-account",
    key: "action app/portal/users/actions.ts#setPortalUserStatusAction",
    given: "another account's user id",
    expect: { customer: "404", carrier: "404" },
  },
  {
    id: "revoke-key-of-another-account",
    key: "action app/portal/api-keys/actions.ts#revokePortalApiKeyAction",
    given: "another account's API key id",
    expect: { customer: "404", carrier: "404" },
  },
  {
    id: "edit-watch-of-another-user",
    key: "action app/portal/audit-log/watches/actions.ts#updatePortalWatchAction",
    given: "another user's watch id (a colleague's, or staff's)",
    expect: { admin: "404", support: "404", customer: "404", carrier: "404", member: "404" },
  },
  {
    id: "delete-watch-of-another-user",
    key: "action app/(control-panel)/audit-log/watches/actions.ts#deleteWatchAction",
    given: "another user's watch id",
    expect: { admin: "404", auditor: "404", branding: "404", customer: "404" },
  },
  {
    id: "invite-into-another-account",
    key: "action app/portal/users/actions.ts#invitePortalUserAction",
    given: "another account's id and a staff role in the form",
    // Allowed, but the form's accountId and role are ignored: the colleague joins the inviter's
    // own account with its type's role (the test checks the row it creates).
    expect: { customer: "ok", carrier: "ok" },
  },
];

/**
 * Where the app does not do what the matrix says. Each is run as an expected failure, so the
 * suite stays green while the bug exists and goes red (remove the entry) once it is fixed.
 */
export type KnownBug = { key: string; audience: Audience; actual: Outcome; todo: string };

export const KNOWN_BUGS: readonly KnownBug[] = [];
