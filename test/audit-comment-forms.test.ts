import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Under "required" the pipeline refuses every save without a reason, so a form that posts to an
 * operation but does not render the reason field could never save. This finds such a form before
 * a user does: every component holding a form action's state renders AuditCommentField.
 */

const ROOT = path.resolve(__dirname, "..");
// Sign-in and setting a password are not changes to a record: no operation, no reason.
const NOT_SAVES = new Set([
  "app/(auth)/login/_components/login-form.tsx",
  "app/(auth)/set-password/_components/set-password-form.tsx",
]);

function tsxFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return tsxFiles(rel);
    return e.name.endsWith(".tsx") ? [rel] : [];
  });
}

describe("the reason for a change is asked by every saving form", () => {
  const forms = [...tsxFiles("app"), ...tsxFiles("components")].filter((file) =>
    /\buse(ActionState|VersionedAction)\s*[<(]/.test(readFileSync(path.join(ROOT, file), "utf8")),
  );

  it("finds the forms (the scan itself works)", () => {
    expect(forms.length).toBeGreaterThan(20);
    for (const file of NOT_SAVES) expect(forms).toContain(file);
  });

  it("renders AuditCommentField in each", () => {
    const missing = forms.filter(
      (file) =>
        !NOT_SAVES.has(file) &&
        !readFileSync(path.join(ROOT, file), "utf8").includes("<AuditCommentField"),
    );
    expect(missing).toEqual([]);
  });
});
