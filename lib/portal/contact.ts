import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { accounts } from "@/db/schema";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation, NO_CHANGE } from "@/lib/audit/core";
import { requirePortalAdmin, type PortalManager } from "./users";
import { updateContactSchema, type UpdateContactInput } from "./schemas";
import { operation } from "@/lib/actions/operation";
import { asStaleEdit } from "@/lib/audit/stale-edit";

/**
 * The account's contact details as the portal shows and edits them. Only these three columns
 * are the customer's to change; everything else on the account is the operator's.
 */

export const ONLY_ADMINS_EDIT_CONTACT =
  "Only your account's portal administrators can edit contact details.";
export const STALE_CONTACT_MESSAGE =
  "Someone changed these contact details since you opened them. The form now shows the latest values: check them and save again.";

/** A read of the account that never selects what the portal may not see (notes, carrier login). */
export async function findContact(db: DbOrTx, accountId: number) {
  const [row] = await db
    .select({
      id: accounts.id,
      version: accounts.version,
      name: accounts.name,
      type: accounts.type,
      status: accounts.status,
      currency: accounts.currency,
      billingEmail: accounts.billingEmail,
      address: accounts.address,
      country: accounts.country,
    })
    .from(accounts)
    .where(eq(accounts.id, accountId));
  return row ?? null;
}
export type Contact = NonNullable<Awaited<ReturnType<typeof findContact>>>;

/** The contact form's values as strings, for its fields and for a stale save's reload. */
export function contactFormValues(row: Contact): Record<string, string> {
  return {
    version: String(row.version),
    billingEmail: row.billingEmail ?? "",
    address: row.address ?? "",
    country: row.country ?? "",
  };
}

/** Saves the contact details of the admin's own account, refused if it changed meanwhile. */
async function updateContact(
  db: DbOrTx,
  actor: ActorContext,
  user: PortalManager,
  input: UpdateContactInput,
): Promise<{ version: number; changed: boolean }> {
  const accountId = requirePortalAdmin(user, ONLY_ADMINS_EDIT_CONTACT);
  const { version, ...fields } = input;
  try {
    const { after, auditId } = await auditedMutation(db, actor, {
      table: "accounts",
      action: "UPDATE",
      id: accountId,
      expectedVersion: version,
      change: async (tx, before) => {
        // A save without edits is not a change worth an audit entry.
        const same = (Object.keys(fields) as (keyof typeof fields)[]).every(
          (k) => before?.[k] === fields[k],
        );
        if (same) return NO_CHANGE;
        await tx.update(accounts).set(fields).where(eq(accounts.id, accountId));
      },
    });
    return { version: after!.version, changed: auditId !== null };
  } catch (err) {
    throw asStaleEdit(err, STALE_CONTACT_MESSAGE);
  }
}

export const updateContactOperation = operation({
  schema: updateContactSchema,
  permission: "portal:self",
  audience: "portal",
  portalFeature: "contact",
  run: async (input, { db, actor, user }) => {
    const { version, changed } = await updateContact(db, actor, user, input);
    return {
      data: { version },
      message: changed ? "Contact details saved." : "No changes to save.",
    };
  },
  revalidate: () => ["/portal/contact"],
  latestValues: (latest) => contactFormValues(latest as Contact),
});
