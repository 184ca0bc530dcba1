import type { DbOrTx } from "@/db/client";
import { featuresOf, type PortalFeatures } from "@/lib/branding/fields";
import { publishedSnapshot } from "@/lib/branding/queries";

/**
 * The one place that decides which portal sections exist for portal users: the PUBLISHED
 * branding's switches (a draft change means nothing until it is published). Everything that
 * serves a section — nav, pages, exports, server actions, API reads — asks here. Free of Next's
 * modules: the operation pipeline imports it, and scripts (the seed) import operations.
 */
export async function portalFeatures(db: DbOrTx): Promise<PortalFeatures> {
  return featuresOf((await publishedSnapshot(db)).snapshot);
}

export const HIDDEN_SECTION_MESSAGE = "This section is not available in the portal.";
