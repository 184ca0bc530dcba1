import { z } from "zod";
import { versionField } from "@/lib/accounts/schemas";
import { checkCodeSyntax, describeSyntaxError, type CodeLanguage } from "./code-syntax";
import { fieldLabel } from "@/lib/audit/messages";
import { HEX_COLOR } from "./colors";
import { PORTAL_SWITCH_FIELDS, type BrandingField, type PortalSwitchField } from "./fields";
import type { BrandingImageKind } from "./image-limits";

/**
 * The branding forms' zod schemas and the words the Control Panel uses for each branding field.
 * FormData carries only strings (and Files): ids and versions are coerced here.
 */

/** "primary colour, custom CSS": the audit log's own field names, in status lines and messages. */
export const describeBrandingFields = (fields: readonly BrandingField[]): string =>
  fields.map(fieldLabel).join(", ");

export const BRANDING_LIMITS = {
  portalName: 80,
  senderName: 80,
  footerHtml: 10_000,
  code: 100_000,
} as const;

const colourField = () =>
  z
    .string()
    .trim()
    .regex(HEX_COLOR, "Use a colour in the form #rrggbb, e.g. #1d4ed8.")
    .transform((v) => v.toLowerCase());

// Not trimmed: leading whitespace and trailing newlines are part of what the author wrote. Line
// ends are made \n: browsers submit a textarea with \r\n, which would otherwise count as a
// change to every line of code nobody touched.
const codeField = (max: number) =>
  z
    .string()
    .max(max, `At most ${max.toLocaleString("en-US")} characters.`)
    .optional()
    .transform((v) => (v ?? "").replace(/\r\n?/g, "\n"));

/** Code fields checked for syntax (code-syntax.ts); footer HTML is sanitised instead. */
const CODE_LANGUAGES = { customCss: "css", customJs: "js" } as const satisfies Record<
  string,
  CodeLanguage
>;

// Checks the code fields in `values` (all of them, or those in `only`): the first syntax error of
// each becomes that field's error, with its line and column.
const checkCode =
  (only?: (values: Record<string, unknown>, field: string) => boolean) =>
  (values: Record<string, unknown>, ctx: z.RefinementCtx) => {
    for (const [field, language] of Object.entries(CODE_LANGUAGES)) {
      const code = values[field];
      // Over the limit is its own error already; the parser need not read a huge input.
      if (typeof code !== "string" || code.length > BRANDING_LIMITS.code) continue;
      if (only && !only(values, field)) continue;
      const error = checkCodeSyntax(language, code);
      if (error)
        ctx.addIssue({ code: "custom", path: [field], message: describeSyntaxError(error) });
    }
  };

const idField = (message: string) =>
  z.coerce.number({ error: message }).int(message).positive(message);

const optionalEmail = () =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : null))
    .pipe(z.email("Enter a valid email address.").nullable());

const textFields = {
  portalName: z
    .string()
    .trim()
    .min(1, "Enter the portal name.")
    .max(BRANDING_LIMITS.portalName, `At most ${BRANDING_LIMITS.portalName} characters.`),
  primaryColor: colourField(),
  accentColor: colourField(),
  supportEmail: optionalEmail(),
  footerHtml: codeField(BRANDING_LIMITS.footerHtml),
  customCss: codeField(BRANDING_LIMITS.code),
  customJs: codeField(BRANDING_LIMITS.code),
  emailSenderName: z
    .string()
    .trim()
    // A line break in a From header would let the name add headers of its own.
    .regex(/^[^\r\n<>"]*$/, "Use a name without line breaks, quotes or angle brackets.")
    .max(BRANDING_LIMITS.senderName, `At most ${BRANDING_LIMITS.senderName} characters.`)
    .optional()
    .transform((v) => (v ? v : null)),
  emailSenderAddress: optionalEmail(),
};

const switchesOf = <S extends z.ZodType>(schema: S) =>
  Object.fromEntries(PORTAL_SWITCH_FIELDS.map((f) => [f, schema])) as Record<PortalSwitchField, S>;

/**
 * A checkbox is sent only when ticked, so absent means hidden. Its base_* hidden field says "on"
 * or "off" explicitly: the base must tell "was hidden" from "not on this form".
 */
const formSwitch = z
  .enum(["on", "off"], { error: "Tick or clear the box." })
  .optional()
  .transform((v) => v === "on");

/** JSON says true or false; a switch left out (or null) is shown, as before switches existed. */
const apiSwitch = z
  .boolean({ error: "Send true or false." })
  .optional()
  .transform((v) => v ?? true);

const draftFields = { ...textFields, ...switchesOf(formSwitch) };

/** The draft fields the form edits (logo and favicon have their own forms). */
export const DRAFT_FORM_FIELDS = Object.keys(draftFields) as (keyof typeof draftFields)[];
export type DraftFormField = (typeof DRAFT_FORM_FIELDS)[number];

/** The hidden field holding what `field` showed when the form was loaded. */
export const baseFieldName = (field: DraftFormField) => `base_${field}` as const;

/**
 * The draft form: each field as edited, and (base_*) as it was loaded. A field left as loaded is
 * not written, so a colleague's change to it stands; a field both changed is a conflict. Base
 * values go through the same parsing, since browsers submit them with the same line ends.
 */
export const saveDraftSchema = z
  .object({
    ...draftFields,
    ...Object.fromEntries(DRAFT_FORM_FIELDS.map((f) => [baseFieldName(f), draftFields[f]])),
  })
  // Only code the editor changed: code stored before the check existed (or a colleague's, when
  // the save will merge) must not block saving the portal name, nor a role that cannot edit it.
  .superRefine(checkCode((v, f) => v[f] !== v[baseFieldName(f as DraftFormField)]))
  .transform((v) => {
    const all = v as Record<string, unknown>;
    const pick = (key: (f: DraftFormField) => string) =>
      Object.fromEntries(DRAFT_FORM_FIELDS.map((f) => [f, all[key(f)]])) as DraftFormValues;
    return { edited: pick((f) => f), base: pick(baseFieldName) };
  });
type DraftFormValues = { [F in DraftFormField]: z.output<(typeof draftFields)[F]> };
export type SaveDraftInput = z.infer<typeof saveDraftSchema>;

const apiDraftFields = () => ({ ...textFields, ...switchesOf(apiSwitch) });

/**
 * The REST API's PUT of the draft: every field as the draft should be, checked against the
 * draft's version (If-Match) instead of the form's per-field base values. The same fields and
 * rules as the form: a field left out is cleared, as an emptied form field is.
 */
export const replaceDraftSchema = z
  .object({ ...apiDraftFields(), version: versionField() })
  .superRefine(checkCode())
  .transform(({ version, ...edited }) => ({ edited, version }));
export type ReplaceDraftInput = z.infer<typeof replaceDraftSchema>;

/** The fields a client sends to replace the draft (what the API documents as its body). */
export const draftBodySchema = z.object({
  ...textFields,
  ...switchesOf(apiSwitch.describe("Whether portal users see the section; left out: shown")),
  emailSenderName: textFields.emailSenderName.describe(
    "The From name of portal users' emails; null: the platform's sender",
  ),
  emailSenderAddress: textFields.emailSenderAddress.describe(
    "The From address of portal users' emails; null: the platform's sender",
  ),
});

export const publishSchema = z.object({
  // The draft version the publisher was looking at: publishing edits they have not seen is refused.
  version: versionField(),
});

export const restoreVersionSchema = z.object({
  versionId: idField("Choose a version to restore."),
  // The draft version on screen: restoring over a colleague's newer edits is refused.
  version: versionField(),
});

const BRANDING_IMAGE_KINDS = ["logo", "favicon"] as const satisfies BrandingImageKind[];

const kindField = z.enum(BRANDING_IMAGE_KINDS, { error: "Choose logo or favicon." });

export const uploadImageSchema = z.object({
  kind: kindField,
  file: z
    .instanceof(File, { error: "Choose an image file." })
    .refine((f) => f.size > 0, "Choose an image file."),
});

export const removeImageSchema = z.object({ kind: kindField });
