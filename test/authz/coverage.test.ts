import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { matrixProblems } from "./coverage";
import { enumerateEntryPoints, keyOf } from "./enumerate";
import { ACTION_ROWS, API_ROWS, HANDLER_ROWS, MATRIX, PAGE_ROWS } from "./matrix";

const ROOT = path.resolve(__dirname, "../..");

describe("the authorization matrix covers the code", () => {
  const entries = enumerateEntryPoints(ROOT);

  it("has exactly one row per page, route handler method and server action, and no stale rows", () => {
    expect(matrixProblems(entries)).toEqual([]);
  });

  it("finds the entry points the app is known to have (the enumerator is not blind)", () => {
    const keys = entries.map(keyOf);
    expect(keys).toContain("page /accounts/[id]/ingress/[ingressId]");
    expect(keys).toContain("GET /portal-assets/custom/[file]");
    expect(keys).toContain("POST /api/auth/[...nextauth]");
    expect(keys).toContain("action lib/visibility/save-columns-action.ts#saveAuditColumnsAction");
    expect(keys).toContain("action app/(control-panel)/users/actions.ts#setPortalAdminAction");
    // Counts, so the report states them and a silently shrinking enumeration shows.
    const count = (kind: string) => entries.filter((e) => e.kind === kind).length;
    expect({
      pages: count("page"),
      handlers: count("handler"),
      actions: count("action"),
    }).toEqual({
      pages: PAGE_ROWS.length,
      handlers: HANDLER_ROWS.length + API_ROWS.length,
      actions: ACTION_ROWS.length,
    });
  });
});

describe("the coverage check fails for an entry point without a row", () => {
  // A tree with one of each kind of entry point the matrix has no row for, added to the real one.
  const fake = mkdtempSync(path.join(tmpdir(), "authz-fake-app-"));
  afterAll(() => rmSync(fake, { recursive: true, force: true }));
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(fake, file)), { recursive: true });
    writeFileSync(path.join(fake, file), text);
  };
  write(
    "app/(control-panel)/reports/[id]/page.tsx",
    "export default function P() { return null; }\n",
  );
  write("app/(control-panel)/_components/not-a-route/page.tsx", "export default () => null;\n");
  write(
    "app/api/v2/things/route.ts",
    "export async function GET() { return new Response(); }\nexport const { POST } = { POST: GET };\nexport const dynamic = 'force-dynamic';\n",
  );
  write(
    "app/(control-panel)/reports/actions.ts",
    '"use server";\nexport async function runReportAction() {}\nexport type Ignored = string;\n',
  );
  write(
    "components/reports/inline.tsx",
    'export function Form() { async function save() { "use server"; } return save; }\n',
  );
  const extra = enumerateEntryPoints(fake);

  it("names each missing row, and nothing else", () => {
    expect(matrixProblems([...enumerateEntryPoints(ROOT), ...extra])).toEqual([
      "page /reports/[id] (app/(control-panel)/reports/[id]/page.tsx) has no row in test/authz/matrix.ts",
      "GET /api/v2/things (app/api/v2/things/route.ts) has no row in test/authz/matrix.ts",
      "POST /api/v2/things (app/api/v2/things/route.ts) has no row in test/authz/matrix.ts",
      "action app/(control-panel)/reports/actions.ts#runReportAction (app/(control-panel)/reports/actions.ts) has no row in test/authz/matrix.ts",
      "action components/reports/inline.tsx#<inline save at line 1> (components/reports/inline.tsx) has no row in test/authz/matrix.ts",
      'action components/reports/inline.tsx#<inline save at line 1>: an inline "use server" function cannot be called by the matrix; move it to an actions module',
    ]);
  });

  it("fails for a row whose entry point is gone, and for a duplicate row", () => {
    const ghost = { ...MATRIX[0]!, key: "page /reports" };
    expect(matrixProblems(entries(), [...MATRIX, ghost, MATRIX[1]!])).toEqual([
      `${MATRIX[1]!.key} has 2 rows in the matrix; keep one`,
      "page /reports has a row but no such entry point exists",
    ]);
  });

  function entries() {
    return enumerateEntryPoints(ROOT);
  }
});
