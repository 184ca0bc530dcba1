import { z } from "zod";
import { getDb } from "@/db/client";
import { settledHorizon } from "@/lib/audit/chain/seal";
import { getSessionIds } from "@/lib/auth/session";
import { findSessionUserUnseen } from "@/lib/auth/user-sessions";
import { parseAuditPageParams, type RawSearchParams } from "@/lib/search/audit-page-params";
import { loadAuditViewer } from "@/lib/visibility/current-policy";
import { auditViewerPolicy, type AuditViewerPolicy } from "@/lib/visibility/viewer-policy";
import { getAuditLiveHub } from "./instance";
import { liveViewOf, readLiveRows, readNewestRows } from "./query";
import { sseEvent, sseRetry, SSE_HEADERS } from "./sse";
import { openLiveStream } from "./stream";

const json = (status: number, body: unknown) =>
  Response.json(body, { status, headers: { "cache-control": "private, no-store" } });

const entryId = z
  .string()
  .regex(/^\d{1,15}$/, "must be an entry id")
  .transform(Number)
  .refine(Number.isSafeInteger, "must be an entry id");

/** A one-off answer holds at most this many entries (the newest, without `since`). */
const ONE_OFF_LIMIT = 200;

function rawParams(search: URLSearchParams): RawSearchParams {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(search.keys())) {
    const values = search.getAll(key);
    out[key] = values.length === 1 ? values[0]! : values;
  }
  return out;
}

/**
 * The audit page's live tail (GET `<audit page>/live?<the page's query>`), for the Control
 * Panel and the Portal. Signed in as for the page: no session 401, another audience's or no
 * audit policy 403. The page's query string picks the entries, within the viewer's policy.
 *
 * With `Accept: text/event-stream` (EventSource) the response stays open: entries after
 * `Last-Event-ID` or `since` (else from now), then each new one, heartbeats, and an `end` event
 * when the session ends. Any other request (curl, a crawler) gets the same events once, the
 * entries after `since` or the newest, and the response ends.
 */
export async function auditLiveResponse(
  req: Request,
  audience: "staff" | "portal",
): Promise<Response> {
  const session = await getSessionIds();
  const { user, policy } = await loadAuditViewer();
  if (!user || !session) return json(401, { error: "Sign in first." });
  if (!policy || policy.audience !== audience) {
    return json(403, { error: "Your role does not allow reading this audit log." });
  }
  const url = new URL(req.url);
  const sinceText = req.headers.get("last-event-id") || url.searchParams.get("since");
  const since = sinceText === null ? null : entryId.safeParse(sinceText);
  if (since && !since.success) {
    return json(400, { error: "since (or Last-Event-ID) must be an entry id." });
  }
  const params = parseAuditPageParams(rawParams(url.searchParams));
  const db = await getDb();

  // Only settled ids are sent, so resuming after the id an answer ends on misses nothing.
  const horizon = await settledHorizon(db);
  if (!req.headers.get("accept")?.includes("text/event-stream")) {
    const view = liveViewOf(policy, params);
    const rows = since
      ? await readLiveRows(db, view, since.data, horizon, ONE_OFF_LIMIT)
      : await readNewestRows(db, view, horizon, ONE_OFF_LIMIT);
    // A full answer from `since` may have more behind it: resume after its last row then.
    const last = since && rows.length === ONE_OFF_LIMIT ? rows.at(-1)![0] : horizon;
    const body = rows.length > 0 ? [sseEvent("entries", { rows: rows.reverse() }, last)] : [];
    return new Response(new Blob([sseRetry(3000), ...body]), { headers: SSE_HEADERS });
  }

  const start = since ? since.data : horizon;
  const recheck = async (): Promise<AuditViewerPolicy | null> => {
    const now = await findSessionUserUnseen(db, session.sessionId, session.userId);
    if (!now || now.status !== "active") return null;
    const next = await auditViewerPolicy(db, now);
    return next && next.audience === audience ? next : null;
  };
  const stream = openLiveStream({
    db,
    hub: await getAuditLiveHub(),
    policy,
    params,
    since: start,
    recheck,
    signal: req.signal,
  });
  return new Response(stream, { headers: SSE_HEADERS });
}
