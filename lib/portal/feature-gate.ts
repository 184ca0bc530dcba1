import { notFound } from "next/navigation";
import { getDb, type DbOrTx } from "@/db/client";
import type { PortalFeature } from "@/lib/branding/fields";
import { HIDDEN_SECTION_MESSAGE, portalFeatures } from "./features";

/** A hidden section is a 404 for pages: it is not there, rather than forbidden. */
export async function requirePortalFeature(feature: PortalFeature, db?: DbOrTx): Promise<void> {
  if (!(await portalFeatures(db ?? (await getDb())))[feature]) notFound();
}

/** For route handlers (exports, entry and live routes): a 404 response when hidden, else null. */
export async function hiddenPortalFeatureResponse(
  feature: PortalFeature,
  db?: DbOrTx,
): Promise<Response | null> {
  if ((await portalFeatures(db ?? (await getDb())))[feature]) return null;
  return new Response(HIDDEN_SECTION_MESSAGE, {
    status: 404,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}
