import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Db, DbOrTx } from "@/db/client";
import { ACCOUNT_TYPES, cdrFieldSettings, type AccountType } from "@/db/schema";
import { operation } from "@/lib/actions/operation";
import type { ActorContext } from "@/lib/audit/actor";
import { cdrField, type CdrFieldKey } from "./fields";
import {
  checkedColumns,
  isNeverFor,
  keyList,
  labelFields,
  labelsOf,
  versionField,
} from "./settings-input";
import { audienceFieldsMessage } from "./settings-messages";
import { sameLabels, saveFieldSettingsRow } from "./save-field-settings-row";

/**
 * The default CDR fields of an audience (customers or carriers): which fields, in catalogue
 * order, and the labels they are shown under. Accounts with an override adjust this default.
 */

export async function findAudienceFields(db: DbOrTx, accountType: AccountType) {
  const [row] = await db
    .select()
    .from(cdrFieldSettings)
    .where(and(eq(cdrFieldSettings.accountType, accountType), isNull(cdrFieldSettings.accountId)));
  return row ?? null;
}

type AudienceFieldsInput = {
  accountType: AccountType;
  fields: readonly string[];
  labels: Readonly<Record<string, string>>;
  /** The version the form was rendered with (0: no row yet); omitted: no check. */
  version?: number;
};

/** Saves an audience's default: CREATE the first time, then UPDATE; an unchanged save writes nothing. */
async function setAudienceCdrFields(
  db: Db,
  actor: ActorContext,
  input: AudienceFieldsInput,
): Promise<{ id: number; version: number; changed: boolean }> {
  const { accountType } = input;
  const fields = checkedColumns("cdr", accountType, input.fields, "fields[]");
  // A label of a field the audience never sees would be shown nowhere: it is not kept.
  const labels = Object.fromEntries(
    Object.entries(input.labels).filter(([k]) => !isNeverFor("cdr", k, accountType)),
  );
  return saveFieldSettingsRow(db, actor, {
    existing: await findAudienceFields(db, accountType),
    version: input.version,
    subject: { accountType },
    values: { fields, labels },
    unchanged: (before) =>
      before.fields?.join() === fields.join() && sameLabels(before.labels, labels),
    message: (before, after) => audienceFieldsMessage(accountType, before, after),
  });
}

const AUDIENCE_NAMES: Record<AccountType, string> = { customer: "customers", carrier: "carriers" };

/** The audience defaults form: `accountType`, `version`, `fields[]` and `label.<key>`. */
export const setAudienceFieldsOperation = operation({
  schema: z.object({
    accountType: z.enum(ACCOUNT_TYPES, { error: "Choose customers or carriers." }),
    version: versionField,
    "fields[]": keyList,
    ...labelFields,
  }),
  permission: "settings:manage",
  audience: "staff",
  run: async (input, { db, actor }) => {
    const labels = labelsOf(
      input,
      () => true,
      (k: CdrFieldKey) => cdrField(k).label,
    );
    const saved = await setAudienceCdrFields(db, actor, {
      accountType: input.accountType,
      fields: input["fields[]"],
      labels,
      ...(input.version !== undefined ? { version: input.version } : {}),
    });
    const who = AUDIENCE_NAMES[input.accountType];
    return {
      data: { version: saved.version },
      message: saved.changed
        ? `Saved the default fields for ${who}.`
        : "Nothing to save: no changes.",
    };
  },
  revalidate: () => ["/settings/cdr-fields"],
});
