import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db, DbOrTx } from "@/db/client";
import { accounts, cdrFieldSettings } from "@/db/schema";
import { operation } from "@/lib/actions/operation";
import type { ActorContext } from "@/lib/audit/actor";
import { AppError } from "@/lib/errors";
import { CDR_FIELDS, CDR_FIELD_KEYS, defaultCdrFields, type CdrFieldKey } from "./fields";
import { resolveLayeredColumns } from "./layered-columns";
import { findAudienceFields } from "./set-audience-fields";
import { sameLabels, saveFieldSettingsRow } from "./save-field-settings-row";
import {
  isNeverFor,
  labelFields,
  labelsOf,
  neverShownMessage,
  versionField,
} from "./settings-input";
import { accountFieldsMessage } from "./settings-messages";

/**
 * An account's override of its audience's default CDR fields: fields added (shown whatever the
 * default says), removed (hidden), renamed, and put first in a given order. The account's type
 * decides the audience, so a customer can never be given a carrier-only field.
 */

type FieldState = "default" | "shown" | "hidden";

export type AccountFieldsInput = {
  accountId: number;
  states: Readonly<Partial<Record<CdrFieldKey, FieldState>>>;
  labels: Readonly<Record<string, string>>;
  /** Field → position (1 first); fields without one follow in the default's order. */
  positions: Readonly<Partial<Record<CdrFieldKey, number>>>;
  version?: number;
};

export async function findAccountForFields(db: DbOrTx, accountId: number) {
  const [account] = await db
    .select({ id: accounts.id, name: accounts.name, type: accounts.type })
    .from(accounts)
    .where(eq(accounts.id, accountId));
  if (!account) throw new AppError("That account does not exist.", "not_found");
  return account;
}

export async function findAccountOverride(db: DbOrTx, accountId: number) {
  const [row] = await db
    .select()
    .from(cdrFieldSettings)
    .where(eq(cdrFieldSettings.accountId, accountId));
  return row ?? null;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.join() === b.join();

export async function setAccountCdrFields(
  db: Db,
  actor: ActorContext,
  input: AccountFieldsInput,
): Promise<{ id: number; version: number; changed: boolean }> {
  const account = await findAccountForFields(db, input.accountId);
  const audience = account.type;
  const fieldErrors: Record<string, string[]> = {};
  for (const key of CDR_FIELD_KEYS) {
    const set =
      (input.states[key] ?? "default") !== "default" ||
      input.labels[key] !== undefined ||
      input.positions[key] !== undefined;
    if (set && isNeverFor("cdr", key, audience)) {
      fieldErrors[`state.${key}`] = [neverShownMessage(key, audience)];
    }
  }
  if (Object.keys(fieldErrors).length > 0) {
    throw new AppError("Check the highlighted fields.", "invalid", fieldErrors);
  }
  const keysIn = (state: FieldState) => CDR_FIELD_KEYS.filter((k) => input.states[k] === state);
  const added = keysIn("shown");
  const removed = keysIn("hidden");
  const fieldOrder = CDR_FIELD_KEYS.filter((k) => input.positions[k] !== undefined).sort(
    (a, b) => input.positions[a]! - input.positions[b]!,
  );
  const labels = { ...input.labels };

  const base = await findAudienceFields(db, audience);
  const { allowed } = resolveLayeredColumns(CDR_FIELDS, audience, {
    base: base?.fields ?? null,
    fallback: defaultCdrFields(audience),
    account: { added, removed, fieldOrder },
  });
  if (allowed.length === 0) {
    throw new AppError("Leave at least one field shown.", "invalid", {
      _form: ["Leave at least one field shown."],
    });
  }

  return saveFieldSettingsRow(db, actor, {
    existing: await findAccountOverride(db, account.id),
    version: input.version,
    subject: { accountId: account.id },
    values: { added, removed, labels, fieldOrder },
    unchanged: (before) =>
      sameList(before.added, added) &&
      sameList(before.removed, removed) &&
      sameList(before.fieldOrder, fieldOrder) &&
      sameLabels(before.labels, labels),
    message: (before, after) => accountFieldsMessage(account, before, after),
    accountId: account.id,
  });
}

const stateField = z.enum(["default", "shown", "hidden"]).optional();
const positionField = z
  .union([
    z.literal(""),
    z.coerce.number().int("Use a whole number.").min(1, "Positions start at 1.").max(999),
  ])
  .optional()
  .transform((v) => (v === "" ? undefined : v));

/**
 * The account override form: `accountId`, `version`, and per field `state.<key>`
 * (default | shown | hidden), `label.<key>` and `position.<key>`.
 */
export const setAccountFieldsOperation = operation({
  schema: z.object({
    accountId: z.coerce
      .number({ error: "Choose an account." })
      .int()
      .positive("Choose an account."),
    version: versionField,
    ...labelFields,
    ...(Object.fromEntries(CDR_FIELD_KEYS.map((k) => [`state.${k}`, stateField])) as Record<
      `state.${CdrFieldKey}`,
      typeof stateField
    >),
    ...(Object.fromEntries(CDR_FIELD_KEYS.map((k) => [`position.${k}`, positionField])) as Record<
      `position.${CdrFieldKey}`,
      typeof positionField
    >),
  }),
  permission: "settings:manage",
  audience: "staff",
  run: async (input, { db, actor }) => {
    const raw = input as Record<string, unknown>;
    const states: Partial<Record<CdrFieldKey, FieldState>> = {};
    const positions: Partial<Record<CdrFieldKey, number>> = {};
    for (const key of CDR_FIELD_KEYS) {
      const state = raw[`state.${key}`];
      if (state === "shown" || state === "hidden") states[key] = state;
      const position = raw[`position.${key}`];
      if (typeof position === "number") positions[key] = position;
    }
    const saved = await setAccountCdrFields(db, actor, {
      accountId: input.accountId,
      states,
      labels: labelsOf(
        input,
        () => true,
        () => null,
      ),
      positions,
      ...(input.version !== undefined ? { version: input.version } : {}),
    });
    return {
      data: { version: saved.version },
      message: saved.changed ? "Saved the account's fields." : "Nothing to save: no changes.",
    };
  },
  revalidate: () => ["/settings/cdr-fields"],
});
