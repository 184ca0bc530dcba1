// Property-based tests of the input schemas: every operation's (what forms and API bodies are
// validated by) and every API endpoint's path, query and body schemas. Hostile input must become
// field errors, never an exception, and through the API door a 4xx that changes nothing.
import fc from "fast-check";
import { z } from "zod";
import { beforeAll, describe, expect, it } from "vitest";
import { accounts, auditLog } from "@/db/schema";
import { createAccountOperation } from "@/lib/accounts/create-account";
import { deleteAccountOperation } from "@/lib/accounts/delete-account";
import { setAccountStatusOperation } from "@/lib/accounts/set-account-status";
import { updateAccountOperation } from "@/lib/accounts/update-account";
import { generateApiKeyOperation, revokeApiKeyOperation } from "@/lib/api-keys/keys";
import {
  generatePortalApiKeyOperation,
  revokePortalApiKeyOperation,
} from "@/lib/api-keys/portal-keys";
import { ENDPOINTS } from "@/lib/api/v1";
import { accountEndpoints } from "@/lib/api/v1/accounts";
import { restoreEntryOperation } from "@/lib/audit/restore";
import {
  publishOperation,
  replaceDraftOperation,
  restoreVersionOperation,
  saveDraftOperation,
} from "@/lib/branding/draft";
import { removeImageOperation, uploadImageOperation } from "@/lib/branding/upload";
import { clearAccountFieldsOperation } from "@/lib/cdrs/clear-account-fields";
import { clearColumnsOperation } from "@/lib/cdrs/clear-column-override";
import { ingestCdrsOperation } from "@/lib/cdrs/ingest";
import {
  saveBreakoutColumnsPreferenceOperation,
  saveCdrFieldsPreferenceOperation,
} from "@/lib/cdrs/save-preference";
import { setAccountFieldsOperation } from "@/lib/cdrs/set-account-fields";
import { setAudienceFieldsOperation } from "@/lib/cdrs/set-audience-fields";
import { setRoleColumnsOperation as setCdrRoleColumnsOperation } from "@/lib/cdrs/set-role-columns";
import { setUserColumnsOperation as setCdrUserColumnsOperation } from "@/lib/cdrs/set-user-columns";
import { createIngressOperation } from "@/lib/ingress/create-ingress-route";
import { deleteIngressOperation } from "@/lib/ingress/delete-ingress-route";
import { updateIngressOperation } from "@/lib/ingress/update-ingress-route";
import { updateContactOperation } from "@/lib/portal/contact";
import { updateProfileOperation } from "@/lib/portal/profile";
import { invitePortalUserOperation, setPortalUserStatusOperation } from "@/lib/portal/users";
import { signOutOtherSessionsOperation } from "@/lib/profile/sign-out-other-sessions";
import {
  changeOwnPasswordOperation,
  changePortalPasswordOperation,
} from "@/lib/users/change-password";
import { changeRoleOperation } from "@/lib/users/change-role";
import { inviteUserOperation } from "@/lib/users/invite-user";
import { sendPasswordResetOperation } from "@/lib/users/send-password-reset";
import { setPortalAdminOperation } from "@/lib/users/set-portal-admin";
import { setUserStatusOperation } from "@/lib/users/set-user-status";
import { saveAuditColumnsOperation } from "@/lib/visibility/save-preference";
import {
  clearUserColumnsOperation,
  setRoleColumnsOperation,
  setUserColumnsOperation,
} from "@/lib/visibility/set-column-permissions";
import { callApi, keyFor } from "../api-support";
import { setUpTestDatabase } from "../db";
import { insertTestUser } from "../factories";

/** Every operation in lib/: the schemas the forms' server actions and the API bodies go through. */
const OPERATIONS = {
  createAccountOperation,
  updateAccountOperation,
  setAccountStatusOperation,
  deleteAccountOperation,
  generateApiKeyOperation,
  revokeApiKeyOperation,
  generatePortalApiKeyOperation,
  revokePortalApiKeyOperation,
  restoreEntryOperation,
  saveDraftOperation,
  replaceDraftOperation,
  publishOperation,
  restoreVersionOperation,
  uploadImageOperation,
  removeImageOperation,
  clearAccountFieldsOperation,
  clearColumnsOperation,
  ingestCdrsOperation,
  saveCdrFieldsPreferenceOperation,
  saveBreakoutColumnsPreferenceOperation,
  setAccountFieldsOperation,
  setAudienceFieldsOperation,
  setCdrRoleColumnsOperation,
  setCdrUserColumnsOperation,
  createIngressOperation,
  updateIngressOperation,
  deleteIngressOperation,
  updateContactOperation,
  updateProfileOperation,
  invitePortalUserOperation,
  setPortalUserStatusOperation,
  signOutOtherSessionsOperation,
  changeOwnPasswordOperation,
  changePortalPasswordOperation,
  changeRoleOperation,
  inviteUserOperation,
  sendPasswordResetOperation,
  setPortalAdminOperation,
  setUserStatusOperation,
  saveAuditColumnsOperation,
  setRoleColumnsOperation,
  setUserColumnsOperation,
  clearUserColumnsOperation,
};

const SCHEMAS: [string, z.ZodType][] = [
  ...Object.entries(OPERATIONS).map(([name, op]): [string, z.ZodType] => [name, op.schema]),
  ...ENDPOINTS.flatMap((e) =>
    (["params", "query", "body"] as const).flatMap((part): [string, z.ZodType][] => {
      const schema = e[part];
      return schema ? [[`${e.method} ${e.path} ${part}`, schema]] : [];
    }),
  ),
];

/** The field names a schema reads, so that generated inputs hit them and not only strangers. */
function fieldsOf(schema: z.ZodType): string[] {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (schema instanceof z.ZodPipe) return fieldsOf(schema.in as z.ZodType);
  return [];
}

const HOSTILE = [
  "' OR 1=1 --",
  "'; DROP TABLE accounts; --",
  "%_\\",
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  '=HYPERLINK("http://x.example")',
  "../../etc/passwd",
  "\u0000",
  "\ud800",
  "🔥 Zoë 日本",
  " ",
  "",
  "NaN",
  "Infinity",
  "-1",
  "1e400",
  "9007199254740993",
  "0x10",
  "true",
  "null",
  "__proto__",
  "constructor",
  "a".repeat(10_000),
];

const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.array(fc.constantFrom(...HOSTILE), { maxLength: 4 }).map((p) => p.join("")),
);

const fieldValue = fc.oneof(
  hostileString,
  fc.jsonValue({ maxDepth: 2 }),
  fc.anything({ maxDepth: 2 }),
  fc.array(hostileString, { maxLength: 3 }),
  fc.constantFrom(0, -1, 1.5, Number.MAX_SAFE_INTEGER + 2, NaN, Infinity, -0, true, null),
);

/** An object with some of the schema's own fields and some strangers, all with hostile values. */
const inputFor = (fields: string[]) =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(
          fields.length > 0
            ? fc.dictionary(fc.constantFrom(...fields), fieldValue, { maxKeys: fields.length })
            : fc.constant({}),
          fc.dictionary(fc.oneof(hostileString, fc.constantFrom(...HOSTILE)), fieldValue, {
            maxKeys: 3,
          }),
        )
        .map(([own, strangers]) => ({ ...strangers, ...own })),
    },
    { weight: 1, arbitrary: fc.object({ maxDepth: 2 }) },
  );

describe("every operation and endpoint schema, on hostile objects", () => {
  it("has schemas to test", () => {
    expect(SCHEMAS.length).toBeGreaterThan(Object.keys(OPERATIONS).length);
  });

  it.each(SCHEMAS)("%s: safeParse never throws, and every failure names a field", (_, schema) => {
    fc.assert(
      fc.property(inputFor(fieldsOf(schema)), (input) => {
        const parsed = schema.safeParse(input);
        if (parsed.success) return;
        expect(parsed.error.issues.length).toBeGreaterThan(0);
        for (const issue of parsed.error.issues) {
          // An issue with an empty path would be a "_form" error: no field to highlight.
          expect(issue.path.length, JSON.stringify(issue)).toBeGreaterThan(0);
          expect(issue.message).not.toBe("");
        }
      }),
      { numRuns: 200 },
    );
  });

  it.each(SCHEMAS)("%s: safeParse of any value at all never throws", (_, schema) => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 2 }), (input) => {
        const parsed = schema.safeParse(input);
        expect(typeof parsed.success).toBe("boolean");
      }),
      { numRuns: 50 },
    );
  });
});

describe("POST /accounts with random bodies", () => {
  const database = setUpTestDatabase();
  const db = () => database.db;
  let key: string;

  beforeAll(async () => {
    const admin = await insertTestUser(db(), { role: "admin" });
    key = await keyFor(db(), admin, "read_write", "Property tests");
  });

  const counts = async () => ({
    accounts: await db().$count(accounts),
    entries: await db().$count(auditLog),
  });

  /** Bodies near a valid account, with any field replaced, dropped or joined by strangers. */
  const nearlyValid = fc
    .record(
      {
        type: fc.oneof(fc.constantFrom("customer", "carrier"), fieldValue),
        name: fc.oneof(hostileString, fieldValue),
        currency: fc.oneof(fc.constantFrom("usd", "EUR", " gbp "), fieldValue),
        creditLimit: fc.oneof(fc.double(), fc.integer(), fieldValue),
        channels: fc.oneof(fc.integer(), fieldValue),
        cps: fc.oneof(fc.integer(), fieldValue),
        billingEmail: fc.oneof(fc.emailAddress(), fieldValue),
        country: fc.oneof(fc.constantFrom("GB", "us"), fieldValue),
        notesPublic: fieldValue,
        notesPrivate: fieldValue,
      },
      { requiredKeys: ["type", "name", "currency"] },
    )
    .chain((body) =>
      fc
        .dictionary(hostileString, fieldValue, { maxKeys: 2 })
        .map((strangers) => ({ ...strangers, ...body })),
    );

  /** Valid accounts whose free text is hostile: stored as given (inert), or refused, never 500. */
  const validWithHostileText = fc.record({
    type: fc.constantFrom("customer", "carrier"),
    name: fc.tuple(hostileString, fc.uuid()).map(([s, id]) => `${s.slice(0, 60)} ${id}`),
    currency: fc.constantFrom("usd", "EUR", " gbp "),
    creditLimit: fc.oneof(fc.integer({ min: 0, max: 1_000_000 }), fc.constant("12.5")),
    channels: fc.integer({ min: 0, max: 1000 }),
    cps: fc.integer({ min: 0, max: 100 }),
    notesPublic: hostileString,
    notesPrivate: hostileString,
  });

  const body = fc.oneof(
    { weight: 3, arbitrary: validWithHostileText },
    { weight: 5, arbitrary: nearlyValid },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    // Malformed JSON and text that is not JSON at all, sent as the raw body.
    { weight: 1, arbitrary: hostileString.map((s) => `{"name": ${s}`) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 50 }) },
  );

  it("answers 201 or a 4xx problem, never 500, and writes nothing on a 4xx", async () => {
    let created = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(body, async (sent) => {
        const before = await counts();
        // JSON.stringify drops what JSON cannot carry (undefined, functions); callApi sends
        // strings as they are, so a generated string is a raw, usually malformed, body.
        const res = await callApi(db(), accountEndpoints.create, { key, body: sent });
        const after = await counts();
        if (res.status === 201) {
          created++;
          expect(after.accounts).toBe(before.accounts + 1);
          expect(after.entries).toBe(before.entries + 1);
          return;
        }
        refused++;
        expect(res.status, await res.clone().text()).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.headers.get("content-type")).toBe("application/problem+json");
        const problem = (await res.json()) as { status: number; detail?: string };
        expect(problem.status).toBe(res.status);
        expect(after).toEqual(before);
      }),
      { numRuns: 120 },
    );
    // The generator reaches both outcomes, so the property is not vacuous.
    expect(refused).toBeGreaterThan(0);
    expect(created).toBeGreaterThan(0);
  });
});
