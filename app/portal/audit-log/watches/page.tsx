import type { Metadata } from "next";
import { connection } from "next/server";
import { WatchesView } from "@/components/watches/watches-view";
import { getDb } from "@/db/client";
import { requirePortalUser } from "@/lib/auth/session";
import { requirePortalFeature } from "@/lib/portal/feature-gate";
import type { RawSearchParams } from "@/lib/search/audit-page-params";
import { watchQueryOf } from "@/lib/watches/page-query";
import { listWatches } from "@/lib/watches/watches";
import {
  createPortalWatchAction,
  deletePortalWatchAction,
  updatePortalWatchAction,
} from "./actions";

export const metadata: Metadata = { title: "Watches" };

/** The portal user's own watches, over their account's audit log. */
export default async function PortalWatchesPage({
  searchParams,
}: {
  searchParams: Promise<RawSearchParams>;
}) {
  await connection();
  const user = await requirePortalUser();
  await requirePortalFeature("auditLog");
  const watches = await listWatches(await getDb(), user.id);
  return (
    <WatchesView
      watches={watches}
      actions={{
        create: createPortalWatchAction,
        update: updatePortalWatchAction,
        remove: deletePortalWatchAction,
      }}
      auditPath="/portal/audit-log"
      initialQuery={watchQueryOf(await searchParams)}
      user={user}
    />
  );
}
