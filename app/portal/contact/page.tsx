import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { getDb } from "@/db/client";
import { requirePortalUser } from "@/lib/auth/session";
import { requirePortalFeature } from "@/lib/portal/feature-gate";
import { contactFormValues, findContact } from "@/lib/portal/contact";
import { ContactForm } from "./_components/contact-form";
import { updateContactAction } from "./actions";

export const metadata: Metadata = { title: "Contact details" };

const regionNames = new Intl.DisplayNames(["en"], { type: "region" });
function countryName(code: string | null): string {
  if (!code) return "—";
  try {
    const name = regionNames.of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

function Facts({ items }: { items: readonly [string, React.ReactNode][] }) {
  return (
    <dl className="grid max-w-3xl grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-2">
      {items.map(([label, value]) => (
        <div key={label}>
          <dt className="text-slate-500">{label}</dt>
          <dd className="font-medium whitespace-pre-wrap">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export default async function PortalContactPage() {
  await connection();
  const user = await requirePortalUser();
  await requirePortalFeature("contact");
  const contact = await findContact(await getDb(), user.accountId);
  if (!contact) notFound();
  return (
    <div className="space-y-8">
      <header>
        <h1 className="text-xl font-semibold">Contact details</h1>
        <p className="text-sm text-slate-600">How we reach {contact.name} about billing.</p>
      </header>

      <section className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-3 font-semibold">Billing contact</h2>
        {user.portalAdmin ? (
          <ContactForm action={updateContactAction} values={contactFormValues(contact)} />
        ) : (
          <>
            <Facts
              items={[
                ["Billing email", contact.billingEmail ?? "—"],
                ["Country", countryName(contact.country)],
                ["Address", contact.address ?? "—"],
              ]}
            />
            <p className="mt-4 text-sm text-slate-600" data-testid="contact-read-only">
              Only your account&apos;s portal administrators can edit contact details.
            </p>
          </>
        )}
      </section>

      <section
        className="rounded-lg border border-slate-200 bg-slate-50 p-4"
        aria-labelledby="managed-heading"
      >
        <h2 id="managed-heading" className="mb-1 font-semibold">
          Managed by your provider
        </h2>
        <p className="mb-3 text-sm text-slate-600">
          These are set by your provider and cannot be changed here; ask your account manager.
        </p>
        <Facts
          items={[
            ["Account name", contact.name],
            ["Account ID", String(contact.id)],
            ["Type", contact.type === "carrier" ? "Carrier" : "Customer"],
            ["Currency", contact.currency],
            ["Status", contact.status.replace("_", " ")],
          ]}
        />
      </section>
    </div>
  );
}
