import type { Metadata } from "next";
import Link from "next/link";
import { ApiReference } from "@/components/api-docs/api-reference";
import { can } from "@/lib/auth/permissions";
import { requireStaff } from "@/lib/auth/session";

export const metadata: Metadata = { title: "API reference" };

const DOCUMENT_URL = "/api/v1/openapi.json";

/**
 * The REST API's reference for any staff user: the public OpenAPI document, rendered read-only
 * (no requests are sent from here, and no key is ever put on the page).
 */
export default async function ApiDocsPage() {
  const user = await requireStaff();
  return (
    <div className="space-y-4">
      <header className="space-y-1">
        <h1 className="text-xl font-semibold">API reference</h1>
        <p className="text-sm text-slate-600">
          The REST API under <code>/api/v1</code>: send an API key as{" "}
          <code>Authorization: Bearer …</code>. A key acts as its owner, with the same roles and
          audit entries as the Control Panel.{" "}
          {can(user.role, "api-keys:manage") ? (
            <Link href="/api-keys" className="text-brand underline">
              Manage API keys
            </Link>
          ) : null}{" "}
          <a href={DOCUMENT_URL} className="text-brand underline">
            OpenAPI document (JSON)
          </a>
        </p>
      </header>
      <ApiReference documentUrl={DOCUMENT_URL} />
    </div>
  );
}
