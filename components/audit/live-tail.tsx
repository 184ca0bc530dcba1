"use client";

import {
  createContext,
  useContext,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
} from "react";
import type { AuditRowView } from "@/lib/audit/row-view";

/**
 * The audit page's live tail: a Live toggle that opens an EventSource on the page's own query
 * (`<basePath>/live?…`, lib/audit/live/response.ts) and puts each new entry at the top of the
 * table, with Pause/Resume and a count. Without JavaScript none of it is drawn and the page is
 * as before (Refresh and the links still work).
 */

type LiveState = { rows: AuditRowView[] };
const LiveRowsContext = createContext<LiveState>({ rows: [] });

/** The entries the live tail has shown, newest first (none outside a LiveTail). */
export function useLiveRows(): AuditRowView[] {
  return useContext(LiveRowsContext).rows;
}

type Status = "off" | "connecting" | "live" | "paused" | "stopped";
const ControlsContext = createContext<{
  status: Status;
  count: number;
  held: number;
  toggle: () => void;
  pauseOrResume: () => void;
} | null>(null);

/** Remembered for the tab, so a new search keeps Live on (the stream reopens on its query). */
const STORAGE_KEY = "trunkline.audit-live";

export function LiveTail({
  streamUrl,
  children,
}: {
  /** `<basePath>/live?<query>`, with `since` when the page shows the newest entries. */
  streamUrl: string;
  children: React.ReactNode;
}) {
  const [status, setStatus] = useState<Status>(() =>
    typeof window !== "undefined" && sessionStorage.getItem(STORAGE_KEY) === "on"
      ? "connecting"
      : "off",
  );
  const [rows, setRows] = useState<AuditRowView[]>([]);
  const [held, setHeld] = useState<AuditRowView[]>([]);
  const [count, setCount] = useState(0);
  const pausedRef = useRef(false);

  const on = status !== "off" && status !== "stopped";
  useEffect(() => {
    if (!on) return;
    const source = new EventSource(streamUrl);
    source.addEventListener("open", () => {
      setStatus(pausedRef.current ? "paused" : "live");
    });
    source.addEventListener("entries", (event) => {
      const parsed = JSON.parse((event as MessageEvent<string>).data) as { rows: AuditRowView[] };
      setCount((n) => n + parsed.rows.length);
      if (pausedRef.current) setHeld((h) => [...parsed.rows, ...h]);
      else setRows((r) => [...parsed.rows, ...r]);
    });
    source.addEventListener("end", () => {
      source.close();
      setStatus("stopped");
    });
    source.addEventListener("error", () => {
      // EventSource retries by itself (resuming after the last id); closed means refused.
      if (source.readyState === EventSource.CLOSED) setStatus("stopped");
      else setStatus("connecting");
    });
    return () => source.close();
  }, [on, streamUrl]);

  const controls = {
    status,
    count,
    held: held.length,
    toggle() {
      const next = !on;
      sessionStorage.setItem(STORAGE_KEY, next ? "on" : "off");
      pausedRef.current = false;
      setRows((r) => [...held, ...r]);
      setHeld([]);
      if (next) setCount(0);
      setStatus(next ? "connecting" : "off");
    },
    pauseOrResume() {
      pausedRef.current = !pausedRef.current;
      if (!pausedRef.current) {
        setRows((r) => [...held, ...r]);
        setHeld([]);
      }
      setStatus((s) =>
        s === "live" || s === "paused" ? (pausedRef.current ? "paused" : "live") : s,
      );
    },
  };

  return (
    <ControlsContext.Provider value={controls}>
      <LiveRowsContext.Provider value={{ rows }}>{children}</LiveRowsContext.Provider>
    </ControlsContext.Provider>
  );
}

/** Live on/off, Pause/Resume and the count; drawn only once JavaScript runs. */
export function LiveControls() {
  const controls = useContext(ControlsContext);
  // False while rendered on the server and hydrated: the page without JavaScript has no Live.
  const mounted = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
  if (!controls || !mounted) return null;
  const { status, count, held } = controls;
  const on = status !== "off";
  const button =
    "inline-flex items-center gap-1.5 rounded-md border px-3 py-2 text-sm disabled:opacity-60";
  return (
    <div className="flex items-center gap-2" data-testid="live-controls">
      <button
        type="button"
        aria-pressed={on}
        onClick={controls.toggle}
        className={`${button} ${on ? "border-emerald-600 bg-emerald-50 text-emerald-800" : "border-slate-300 bg-white hover:bg-slate-50"}`}
      >
        <span
          aria-hidden
          className={`size-2 rounded-full ${status === "live" ? "animate-pulse bg-emerald-600" : "bg-slate-400"}`}
        />
        Live
      </button>
      {on && status !== "stopped" ? (
        <button
          type="button"
          onClick={controls.pauseOrResume}
          className={`${button} border-slate-300 bg-white hover:bg-slate-50`}
        >
          {status === "paused" ? "Resume" : "Pause"}
        </button>
      ) : null}
      {on ? (
        <span role="status" className="text-sm text-slate-600" data-testid="live-status">
          {status === "stopped"
            ? "Live stopped: reload the page"
            : status === "connecting"
              ? "Connecting…"
              : `${count} new${held > 0 ? ` (${held} waiting)` : ""}`}
        </span>
      ) : null}
    </div>
  );
}

const noSubscription = () => () => {};
