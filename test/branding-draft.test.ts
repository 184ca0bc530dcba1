import {
  publishOperation,
  restoreVersionOperation,
  saveDraftOperation,
} from "@/lib/branding/draft";
import { removeImageOperation, uploadImageOperation } from "@/lib/branding/upload";
import { desc } from "drizzle-orm";
import type { z } from "zod";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog, brandingAssets, brandingVersions, portalBranding } from "@/db/schema";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { changedFields } from "@/lib/audit/messages";
import type { CurrentUser } from "@/lib/auth/session";
import type { Operation } from "@/lib/actions/operation";
import {
  draftStatus,
  draftStatusText,
  NOTHING_TO_SAVE_MESSAGE,
  DRAFT_CONFLICT_MESSAGE,
  STALE_PUBLISH_MESSAGE,
  STALE_RESTORE_MESSAGE,
  CUSTOM_JS_REFUSED,
} from "@/lib/branding/draft";
import { can } from "@/lib/auth/permissions";
import { snapshotOf } from "@/lib/branding/fields";
import { draftFormValues, getDraft, latestPublished, listVersions } from "@/lib/branding/queries";
import { setUpTestDatabase } from "./db";
import { asCurrent, runAs } from "./run-action";
import { insertTestAccount, insertTestUser } from "./factories";

const database = setUpTestDatabase();

const run = <S extends z.ZodType, T>(op: Operation<S, T>, user: CurrentUser, raw: object) =>
  runAs(database.db, op, user, raw);

const draft = async () => (await getDraft(database.db))!;
const draftVersion = async () => String((await draft()).version);

/** The draft form as the page renders it, with some fields changed. */
const form = async (changes: Record<string, string> = {}) => ({
  ...draftFormValues(await draft()),
  ...changes,
});

const counts = async () => ({
  draftVersion: (await draft()).version,
  versions: await database.db.$count(brandingVersions),
  assets: await database.db.$count(brandingAssets),
  audit: await database.db.$count(auditLog),
});

const newestEntry = async () => {
  const [entry] = await database.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  return entry!;
};

/** Makes the draft differ from the latest version (if it does not already) and publishes. */
async function publishWith(user: CurrentUser, changes: Record<string, string>) {
  const saved = await run(saveDraftOperation, user, await form(changes));
  expect(saved.status).toBe("ok");
  const published = await run(publishOperation, user, { version: String((await draft()).version) });
  if (published.status !== "ok") throw new Error(JSON.stringify(published));
  return published.data.versionNo;
}

// A 4×4 RGB PNG.
const PNG = Uint8Array.from(
  Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR4nGOQ9bsBRwzEcQABghQxcs6DfwAAAABJRU5ErkJggg==",
    "base64",
  ),
);

let admin: CurrentUser;
let brander: CurrentUser;
beforeAll(async () => {
  // The bootstrap seed creates the draft row in a real database; an empty test one needs it too.
  await auditedMutation(database.db, systemActor("test"), {
    table: "portal_branding",
    action: "CREATE",
    change: async (tx) => {
      await tx.insert(portalBranding).values({ id: 1 });
      return 1;
    },
  });
  admin = asCurrent(await insertTestUser(database.db, { role: "admin" }));
  brander = asCurrent(await insertTestUser(database.db, { role: "branding" }));
});

describe("save draft", () => {
  it("writes one UPDATE whose before and after differ only in the changed field", async () => {
    const before = await counts();
    const result = await run(
      saveDraftOperation,
      brander,
      await form({ customCss: "body { margin: 0 }" }),
    );
    expect(result).toEqual({
      status: "ok",
      data: { version: before.draftVersion + 1 },
      message: "Draft saved.",
    });
    expect(await counts()).toEqual({
      ...before,
      draftVersion: before.draftVersion + 1,
      audit: before.audit + 1,
    });
    const entry = await newestEntry();
    expect(entry).toMatchObject({
      action: "UPDATE",
      tableName: "portal_branding",
      recordPk: "1",
      actorUserId: brander.id,
    });
    expect(changedFields(entry.before, entry.after)).toEqual(["customCss"]);
    expect(entry.after).toMatchObject({ customCss: "body { margin: 0 }" });
    expect((await draft()).customCss).toBe("body { margin: 0 }");
  });

  it("stores colours lower-case and sets only the fields that changed", async () => {
    const result = await run(
      saveDraftOperation,
      admin,
      await form({ primaryColor: "#ABCDEF", accentColor: " #0F766E ", supportEmail: "" }),
    );
    expect(result.status).toBe("ok");
    const row = await draft();
    expect(row.primaryColor).toBe("#abcdef");
    expect(row.accentColor).toBe("#0f766e");
    const entry = await newestEntry();
    // accentColor was already #0f766e and supportEmail already empty: not part of the change.
    expect(changedFields(entry.before, entry.after)).toEqual(["primaryColor"]);
  });

  it("an unchanged form writes nothing and says so", async () => {
    const before = await counts();
    const result = await run(saveDraftOperation, admin, await form());
    expect(result).toEqual({
      status: "ok",
      data: { version: before.draftVersion },
      message: NOTHING_TO_SAVE_MESSAGE,
    });
    expect(await counts()).toEqual(before);
  });

  it("treats a browser's CRLF line ends as the same code, not a change", async () => {
    const js = "(function () {\n  document.title = 'x';\n})();\n";
    expect((await run(saveDraftOperation, admin, await form({ customJs: js }))).status).toBe("ok");
    const before = await counts();
    const asSubmitted = await form({ customJs: js.replaceAll("\n", "\r\n") });
    const result = await run(saveDraftOperation, admin, asSubmitted);
    expect(result.status === "ok" && result.message).toBe(NOTHING_TO_SAVE_MESSAGE);
    expect(await counts()).toEqual(before);
    expect((await draft()).customJs).toBe(js);
  });

  it("sanitises the footer and says that markup was removed", async () => {
    const result = await run(
      saveDraftOperation,
      admin,
      await form({
        footerHtml: '<p>Help</p><script>alert(1)</script><a href="/x" onclick="x()">x</a>',
      }),
    );
    expect(result).toMatchObject({
      status: "ok",
      message: "Draft saved. Unsafe markup was removed from the footer.",
    });
    const footer = (await draft()).footerHtml;
    expect(footer).toContain("<p>Help</p>");
    expect(footer).not.toMatch(/script|onclick/i);
  });

  it.each([
    ["a colour without #", { primaryColor: "1d4ed8" }, "primaryColor"],
    ["a short colour", { accentColor: "#12345" }, "accentColor"],
    ["a named colour", { primaryColor: "red" }, "primaryColor"],
    ["an empty name", { portalName: "   " }, "portalName"],
    ["an 81-character name", { portalName: "x".repeat(81) }, "portalName"],
    ["a bad email", { supportEmail: "help@" }, "supportEmail"],
    ["a long footer", { footerHtml: "x".repeat(10_001) }, "footerHtml"],
    ["long custom CSS", { customCss: "x".repeat(100_001) }, "customCss"],
    ["long custom JavaScript", { customJs: "x".repeat(100_001) }, "customJs"],
  ])("%s → a field error and nothing changed", async (_label, change, field) => {
    const before = await counts();
    const row = await draft();
    const result = await run(saveDraftOperation, admin, await form(change));
    expect(result.status).toBe("error");
    expect(result.status === "error" && result.fieldErrors?.[field]).toEqual([expect.any(String)]);
    expect(await counts()).toEqual(before);
    expect(await draft()).toEqual(row);
  });

  it.each([
    [
      "CSS with a missing brace",
      "customCss",
      "a { color: red; }\n\nb { color: blue;\n",
      "Line 3, column 1: Unclosed block",
    ],
    ["CSS with a stray brace", "customCss", "a {}\n}", "Line 2, column 1: Unexpected }"],
    [
      "JavaScript with a syntax error",
      "customJs",
      "const a = 1;\nif (a {}",
      "Line 2, column 7: Unexpected token",
    ],
  ])(
    "refuses %s with its line and column, writing nothing",
    async (_label, field, code, message) => {
      const before = await counts();
      const row = await draft();
      const result = await run(
        saveDraftOperation,
        admin,
        await form({ [field]: code, portalName: "Syntax Portal" }),
      );
      expect(result).toMatchObject({ status: "error", fieldErrors: { [field]: [message] } });
      // What was typed comes back, so the editor keeps it for fixing.
      expect(result.status === "error" && result.values?.[field]).toBe(code);
      expect(await counts()).toEqual(before);
      expect(await draft()).toEqual(row);
    },
  );

  it("does not check code the editor left as loaded: stored code cannot block other fields", async () => {
    const broken = "a { color: red";
    await auditedMutation(database.db, systemActor("test"), {
      table: "portal_branding",
      action: "UPDATE",
      id: 1,
      change: async (tx) => {
        await tx.update(portalBranding).set({ customCss: broken, customJs: "let = ;" });
      },
    });
    const loaded = await form();
    const base = Object.fromEntries(Object.entries(loaded).map(([k, v]) => [`base_${k}`, v]));
    const result = await run(saveDraftOperation, brander, {
      ...loaded,
      ...base,
      portalName: "Kept Portal",
    });
    expect(result).toMatchObject({ status: "ok", message: "Draft saved." });
    expect(await draft()).toMatchObject({ portalName: "Kept Portal", customCss: broken });
    // Changing it is checked, though.
    const changed = await run(saveDraftOperation, admin, {
      ...loaded,
      ...base,
      customCss: `${broken};`,
    });
    expect(changed).toMatchObject({
      status: "error",
      fieldErrors: { customCss: ["Line 1, column 1: Unclosed block"] },
    });
    await run(saveDraftOperation, admin, { ...(await form()), customCss: "", customJs: "" });
  });

  it("keeps a colleague's change to a field this editor did not touch", async () => {
    const mine = await form({ portalName: "Mine Portal" });
    await run(saveDraftOperation, admin, await form({ customJs: "console.log('theirs');" }));
    const result = await run(saveDraftOperation, brander, mine);
    expect(result).toMatchObject({ status: "ok", message: "Draft saved." });
    const row = await draft();
    expect(row.portalName).toBe("Mine Portal");
    expect(row.customJs).toBe("console.log('theirs');");
    const entry = await newestEntry();
    expect(changedFields(entry.before, entry.after).sort()).toEqual(["portalName"]);
  });

  it("refuses, naming the field, when both changed the same field, and writes nothing", async () => {
    const mine = await form({ customCss: "/* mine */", portalName: "Both Portal" });
    await run(saveDraftOperation, admin, await form({ customCss: "/* theirs */" }));
    const before = await counts();
    const result = await run(saveDraftOperation, brander, mine);
    expect(result).toMatchObject({ status: "error", error: DRAFT_CONFLICT_MESSAGE });
    expect(result.status === "error" && Object.keys(result.fieldErrors ?? {})).toEqual([
      "customCss",
    ]);
    // What the editor typed comes back, so the form keeps it.
    expect(result.status === "error" && result.values?.customCss).toBe("/* mine */");
    expect(await counts()).toEqual(before);
    expect((await draft()).customCss).toBe("/* theirs */");
    expect((await draft()).portalName).not.toBe("Both Portal");
  });
});

describe("publish", () => {
  it("creates version max+1 with a PUBLISH entry and the draft's snapshot", async () => {
    const previous = await latestPublished(database.db);
    await run(saveDraftOperation, brander, await form({ portalName: "Northwind Portal" }));
    const before = await counts();
    const row = await draft();
    const result = await run(publishOperation, brander, { version: String(row.version) });
    const versionNo = (previous?.versionNo ?? 0) + 1;
    expect(result).toMatchObject({ status: "ok", data: { versionNo } });
    expect(await counts()).toEqual({
      ...before,
      versions: before.versions + 1,
      audit: before.audit + 1,
    });
    const latest = (await latestPublished(database.db))!;
    expect(latest).toMatchObject({ versionNo, publishedByUserId: brander.id });
    expect(latest.snapshot).toEqual(snapshotOf(row));
    const entry = await newestEntry();
    expect(entry).toMatchObject({
      action: "PUBLISH",
      tableName: "branding_versions",
      recordPk: String(latest.id),
      message: `Published portal branding v${versionNo}`,
    });
    expect(draftStatusText(draftStatus(snapshotOf(await draft()), latest))).toBe(
      `Draft matches published v${versionNo}`,
    );
  });

  it("names the changed fields, and refuses to publish the same draft twice", async () => {
    const from = (await latestPublished(database.db))!.versionNo;
    await run(
      saveDraftOperation,
      admin,
      await form({ primaryColor: "#112233", customCss: "h1 { color: red }" }),
    );
    const status = draftStatus(snapshotOf(await draft()), await latestPublished(database.db));
    expect(draftStatusText(status)).toBe(
      `Unpublished changes since v${from}: primary colour, custom CSS`,
    );

    const first = await run(publishOperation, admin, { version: await draftVersion() });
    expect(first).toMatchObject({
      status: "ok",
      data: { versionNo: from + 1 },
      message: `Published portal branding v${from + 1} (primary colour, custom CSS).`,
    });
    expect((await newestEntry()).message).toBe(
      `Published portal branding v${from + 1} (primary colour, custom CSS)`,
    );

    const before = await counts();
    const second = await run(publishOperation, admin, { version: await draftVersion() });
    expect(second).toMatchObject({
      status: "error",
      error: `Nothing to publish: the draft matches v${from + 1}.`,
    });
    expect(await counts()).toEqual(before);
  });

  it("refuses when the draft changed since the publisher looked at it", async () => {
    const seen = (await draft()).version;
    await run(saveDraftOperation, admin, await form({ accentColor: "#445566" }));
    const before = await counts();
    const result = await run(publishOperation, brander, { version: String(seen) });
    expect(result).toMatchObject({ status: "error", error: STALE_PUBLISH_MESSAGE });
    expect(await counts()).toEqual(before);
  });

  it("lists versions newest first with the publisher's name", async () => {
    await publishWith(admin, { accentColor: "#998877" });
    const list = await listVersions(database.db);
    const numbers = list.map((v) => v.versionNo);
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    expect(list[0]).toMatchObject({ publisherName: admin.name, publishedByUserId: admin.id });
  });
});

describe("restore into draft", () => {
  it("puts an old version's custom CSS back, and publishing makes it current", async () => {
    const oldNo = await publishWith(brander, { customCss: ".old { color: blue }" });
    const newNo = await publishWith(brander, { customCss: ".new { color: green }" });
    const old = (await listVersions(database.db)).find((v) => v.versionNo === oldNo)!;

    const before = await counts();
    const result = await run(restoreVersionOperation, brander, {
      versionId: String(old.id),
      version: await draftVersion(),
    });
    expect(result).toMatchObject({
      status: "ok",
      message: `Restored portal branding draft from v${oldNo} (custom CSS). Publish to make it live.`,
    });
    expect(await counts()).toEqual({
      ...before,
      draftVersion: before.draftVersion + 1,
      audit: before.audit + 1,
    });
    expect((await draft()).customCss).toBe(".old { color: blue }");
    const entry = await newestEntry();
    expect(entry).toMatchObject({
      action: "UPDATE",
      tableName: "portal_branding",
      message: `Restored portal branding draft from v${oldNo} (custom CSS)`,
    });
    expect(changedFields(entry.before, entry.after)).toEqual(["customCss"]);
    // The portal still shows the newer version until the restored draft is published.
    expect((await latestPublished(database.db))!.versionNo).toBe(newNo);

    const published = await run(publishOperation, brander, { version: await draftVersion() });
    expect(published).toMatchObject({ status: "ok", data: { versionNo: newNo + 1 } });
    const current = (await latestPublished(database.db))!;
    expect(current.versionNo).toBe(newNo + 1);
    expect(snapshotOf(current.snapshot).customCss).toBe(".old { color: blue }");
  });

  it("refuses when the draft already matches the version, writing nothing", async () => {
    const latest = (await latestPublished(database.db))!;
    const before = await counts();
    const result = await run(restoreVersionOperation, admin, {
      versionId: String(latest.id),
      version: await draftVersion(),
    });
    expect(result).toMatchObject({
      status: "error",
      error: `The draft already matches v${latest.versionNo}.`,
    });
    expect(await counts()).toEqual(before);
  });

  it("refuses to restore over draft edits made since the page was opened", async () => {
    const [oldest] = (await listVersions(database.db)).slice(-1);
    const seen = await draftVersion();
    expect(
      (await run(saveDraftOperation, admin, await form({ customCss: "/* newer */" }))).status,
    ).toBe("ok");
    const before = await counts();
    const result = await run(restoreVersionOperation, brander, {
      versionId: String(oldest!.id),
      version: seen,
    });
    expect(result).toMatchObject({ status: "error", error: STALE_RESTORE_MESSAGE });
    expect(await counts()).toEqual(before);
    expect((await draft()).customCss).toBe("/* newer */");
  });

  it("an unknown version id is an error, not a crash", async () => {
    const before = await counts();
    const result = await run(restoreVersionOperation, admin, {
      versionId: "999999",
      version: await draftVersion(),
    });
    expect(result).toMatchObject({
      status: "error",
      error: "That branding version does not exist.",
    });
    const bad = await run(restoreVersionOperation, admin, {
      versionId: "abc",
      version: await draftVersion(),
    });
    expect(bad.status === "error" && bad.fieldErrors?.versionId).toEqual([expect.any(String)]);
    expect(await counts()).toEqual(before);
  });
});

describe("logo and favicon", () => {
  it("uploads a logo into the draft and removes it again", async () => {
    const result = await run(uploadImageOperation, brander, {
      kind: "logo",
      file: new File([PNG], "logo.png", { type: "image/png" }),
    });
    expect(result).toMatchObject({ status: "ok", message: "Logo uploaded to the draft." });
    const assetId = result.status === "ok" ? result.data.assetId : -1;
    expect((await draft()).logoAssetId).toBe(assetId);

    const removed = await run(removeImageOperation, brander, { kind: "logo" });
    expect(removed).toMatchObject({ status: "ok", message: "Logo removed from the draft." });
    expect((await draft()).logoAssetId).toBeNull();
  });

  it("no file → 'Choose an image file.' and nothing written", async () => {
    const before = await counts();
    const result = await run(uploadImageOperation, admin, { kind: "favicon" });
    expect(result).toMatchObject({
      status: "error",
      fieldErrors: { file: ["Choose an image file."] },
    });
    expect(await counts()).toEqual(before);
  });

  it("a file that is not an image → a file field error and nothing written", async () => {
    const before = await counts();
    const result = await run(uploadImageOperation, admin, {
      kind: "logo",
      file: new File(["just text"], "logo.png", { type: "image/png" }),
    });
    expect(result.status === "error" && result.fieldErrors?.file).toEqual([expect.any(String)]);
    expect(await counts()).toEqual(before);
  });
});

describe("custom JavaScript needs its own permission", () => {
  it("only admin has it among the roles", () => {
    expect(can("admin", "branding:custom-js")).toBe(true);
    for (const role of ["branding", "support", "auditor", "customer", "carrier", "nobody"]) {
      expect(can(role, "branding:custom-js")).toBe(false);
    }
  });

  it("a branding user's change to it is refused with a field error, and nothing is written", async () => {
    const row = await draft();
    const before = await counts();
    const attempts: Record<string, string>[] = [
      { customJs: "alert(document.cookie)" },
      // with other, allowed changes: the whole save is refused, not half-applied
      { customJs: "fetch('/x')", customCss: ".sneaky { color: red }", portalName: "Renamed" },
      // clearing it is a change too
      { customJs: "" },
    ];
    for (const changes of attempts) {
      const result = await run(saveDraftOperation, brander, await form(changes));
      if (changes.customJs === row.customJs) continue;
      expect(result).toMatchObject({
        status: "error",
        error: CUSTOM_JS_REFUSED,
        fieldErrors: { customJs: [CUSTOM_JS_REFUSED] },
      });
    }
    expect(await counts()).toEqual(before);
    expect(await draft()).toEqual(row);
  });

  it("a branding user's form submits it unchanged (read-only) and saves everything else", async () => {
    // An admin changes the script after the branding user opened the page.
    const opened = await form();
    const adminJs = "console.log('admin v2');\n";
    expect((await run(saveDraftOperation, admin, await form({ customJs: adminJs }))).status).toBe(
      "ok",
    );
    const result = await run(saveDraftOperation, brander, {
      ...opened,
      portalName: "Brander's name",
    });
    expect(result).toMatchObject({ status: "ok", message: "Draft saved." });
    const row = await draft();
    expect(row.portalName).toBe("Brander's name");
    // The admin's newer script stands: the read-only field equalled what was loaded.
    expect(row.customJs).toBe(adminJs);
    expect(changedFields((await newestEntry()).before, (await newestEntry()).after)).toEqual([
      "portalName",
    ]);
  });

  it("an admin changes it, with an UPDATE entry", async () => {
    const result = await run(saveDraftOperation, admin, await form({ customJs: "/* admin */" }));
    expect(result.status).toBe("ok");
    const entry = await newestEntry();
    expect(entry).toMatchObject({ action: "UPDATE", actorUserId: admin.id });
    expect(changedFields(entry.before, entry.after)).toEqual(["customJs"]);
  });

  it("a branding user cannot restore a version with a different script; an admin can", async () => {
    const scripted = await publishWith(admin, { customJs: "/* version with a script */" });
    await publishWith(admin, { customJs: "/* the next script */" });
    const target = (await listVersions(database.db)).find((v) => v.versionNo === scripted)!;
    const before = await counts();
    const row = await draft();
    const refused = await run(restoreVersionOperation, brander, {
      versionId: String(target.id),
      version: await draftVersion(),
    });
    expect(refused).toMatchObject({
      status: "error",
      error: `v${scripted} has different custom JavaScript from the draft, and your role cannot change it. Ask an admin to restore this version.`,
    });
    expect(await counts()).toEqual(before);
    expect(await draft()).toEqual(row);
    const restored = await run(restoreVersionOperation, admin, {
      versionId: String(target.id),
      version: await draftVersion(),
    });
    expect(restored.status).toBe("ok");
    expect((await draft()).customJs).toBe("/* version with a script */");
  });
});

describe("role checks", () => {
  it.each([
    ["support", () => insertTestUser(database.db, { role: "support" })],
    [
      "a portal customer",
      async () =>
        insertTestUser(database.db, {
          role: "customer",
          accountId: (await insertTestAccount(database.db, "customer")).id,
        }),
    ],
  ])("%s cannot save, publish, restore, upload or remove", async (_label, make) => {
    const user = asCurrent(await make());
    const oldest = (await listVersions(database.db)).at(-1)!;
    const before = await counts();
    const row = await draft();
    const refused = { status: "error", error: "Your role does not allow this action." };
    expect(
      await run(saveDraftOperation, user, await form({ portalName: "Hijacked" })),
    ).toMatchObject(refused);
    expect(await run(publishOperation, user, { version: await draftVersion() })).toMatchObject(
      refused,
    );
    expect(
      await run(restoreVersionOperation, user, {
        versionId: String(oldest.id),
        version: await draftVersion(),
      }),
    ).toMatchObject(refused);
    expect(
      await run(uploadImageOperation, user, {
        kind: "logo",
        file: new File([PNG], "logo.png", { type: "image/png" }),
      }),
    ).toMatchObject(refused);
    expect(await run(removeImageOperation, user, { kind: "logo" })).toMatchObject(refused);
    expect(await counts()).toEqual(before);
    expect(await draft()).toEqual(row);
  });
});

describe("draft status", () => {
  it("reads 'not published' before the first version", () => {
    expect(draftStatus(snapshotOf({}), null)).toEqual({ kind: "unpublished" });
  });

  it("names changed fields in words, in field order", () => {
    const published = { versionNo: 3, snapshot: snapshotOf({}) };
    const draftNow = snapshotOf({ customJs: "x()", footerHtml: "<p>f</p>", logoAssetId: 4 });
    expect(draftStatusText(draftStatus(draftNow, published))).toBe(
      "Unpublished changes since v3: logo, custom JavaScript, footer",
    );
  });
});
