import type { Metadata } from "next";
import { connection } from "next/server";
import { WatchesView } from "@/components/watches/watches-view";
import { getDb } from "@/db/client";
import { requirePermission } from "@/lib/auth/session";
import type { RawSearchParams } from "@/lib/search/audit-page-params";
import { watchQueryOf } from "@/lib/watches/page-query";
import { listWatches } from "@/lib/watches/watches";
import { createWatchAction, deleteWatchAction, updateWatchAction } from "./actions";

export const metadata: Metadata = { title: "Watches" };

/** The signed-in staff member's own watches: anyone who reads the audit log may keep some. */
export default async function WatchesPage({
  searchParams,
}: {
  searchParams: Promise<RawSearchParams>;
}) {
  await connection();
  const user = await requirePermission("audit:read");
  const watches = await listWatches(await getDb(), user.id);
  return (
    <WatchesView
      watches={watches}
      actions={{ create: createWatchAction, update: updateWatchAction, remove: deleteWatchAction }}
      auditPath="/audit-log"
      initialQuery={watchQueryOf(await searchParams)}
      user={user}
    />
  );
}
