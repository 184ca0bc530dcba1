import { notFound } from "next/navigation";
import { getDb, type DbOrTx } from "@/db/client";
import {
  DEFAULT_BRANDING,
  featuresOf,
  snapshotOf,
  type PortalFeature,
  type PortalFeatures,
} from "@/lib/branding/fields";
import { latestPublished } from "@/lib/branding/queries";

/**
 * The one place that decides which portal sections exist for portal users: the PUBLISHED
 * branding's switches (a draft change means nothing until it is published). Everything that
 * serves a section — nav, pages, exports, server actions, API reads — asks here.
 */

export async function portalFeatures(db: DbOrTx): Promise<PortalFeatures> {
  const published = await latestPublished(db);
  return featuresOf(published ? snapshotOf(published.snapshot) : DEFAULT_BRANDING);
}

export const HIDDEN_SECTION_MESSAGE = "This section is not available in the portal.";

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
