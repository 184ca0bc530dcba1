/** Server-Sent Events framing (WHATWG HTML, "Server-sent events"). */

const encoder = new TextEncoder();

/** One event. `data` is JSON on one line, so it never needs splitting over `data:` lines. */
export function sseEvent(event: string, data: unknown, id?: number): Uint8Array<ArrayBuffer> {
  const idLine = id === undefined ? "" : `id: ${id}\n`;
  return encoder.encode(`${idLine}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** A comment line: ignored by EventSource, it keeps proxies from closing an idle response. */
export function sseComment(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(`: ${text.replace(/[\r\n]/g, " ")}\n\n`);
}

/** How long EventSource waits before reconnecting. */
export function sseRetry(ms: number): Uint8Array<ArrayBuffer> {
  return encoder.encode(`retry: ${Math.round(ms)}\n\n`);
}

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  // no-transform: no compression (it would hold events back in its buffer).
  "cache-control": "private, no-cache, no-store, no-transform",
  // nginx and similar proxies buffer responses unless told not to.
  "x-accel-buffering": "no",
} as const;
