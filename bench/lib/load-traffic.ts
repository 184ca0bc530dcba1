import autocannon from "autocannon";

/**
 * The traffic of `npm run bench:load`: one autocannon run per app instance, each connection
 * cycling through a signed-in audit page, a search, a POST of a new account and PUTs of that
 * account (If-Match from the previous answer's ETag), with read-write API keys taken in turn from
 * a pool so that no key nears the per-key rate limit. Every answer is recorded with its latency;
 * every 2xx mutation ("acknowledged") with its X-Request-Id, the account and the name it set.
 */

export type Kind = "page" | "search" | "post" | "put";

export type Answer = {
  instance: string;
  phase: string;
  kind: Kind;
  status: number;
  /** A 200 page without the rendered audit table counts as a failure. */
  ok: boolean;
  ms: number;
  /** performance.now() when the answer was complete. */
  at: number;
};

export type Ack = {
  instance: string;
  phase: string;
  method: "POST" | "PUT";
  requestId: string | null;
  accountId: number;
  name: string;
  channels: number;
};

export const PAGE_MARKER = 'data-testid="audit-count"';

/** Searches of the audit page, cycled: a field filter, free text, a verb and a table. */
const SEARCHES = ["table:accounts", "customer", "action:update table:accounts", "Load"];

type Context = { accountId?: number; etag?: string; key?: string };

export class Recorder {
  readonly answers: Answer[] = [];
  readonly acks: Ack[] = [];
  /** Connection errors and timeouts, per instance and phase (no HTTP answer at all). */
  readonly errors = new Map<string, number>();
  private seq = 0;
  private keyTurn = 0;
  /** The answer onResponse just recorded: autocannon reports its latency right after. */
  private last: Answer | null = null;

  constructor(
    private readonly keys: string[],
    private readonly cookie: string,
    readonly runTag: string,
  ) {}

  nextName(): string {
    return `Load ${this.runTag} ${++this.seq}`;
  }

  nextKey(): string {
    return this.keys[this.keyTurn++ % this.keys.length]!;
  }

  /** One autocannon run against `baseUrl` until stop() is called (or `maxSeconds` pass). */
  start(baseUrl: string, instance: string, phase: string, connections: number, maxSeconds: number) {
    const answer = (kind: Kind, status: number, ok: boolean) => {
      this.last = { instance, phase, kind, status, ok, ms: 0, at: performance.now() };
      this.answers.push(this.last);
    };
    const lower = (headers: Record<string, unknown> = {}) =>
      Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    const page = (path: () => string, kind: Kind): autocannon.Request => ({
      method: "GET",
      setupRequest: (req) => ({ ...req, path: path(), headers: { cookie: this.cookie } }),
      onResponse: (status, body) =>
        answer(kind, status, status === 200 && body.includes(PAGE_MARKER)),
    });
    let search = 0;
    const put: autocannon.Request = {
      method: "PUT",
      setupRequest: (req, context: Context) => {
        // The POST of this round failed (a fault): nothing to change; the round starts over.
        if (context.accountId === undefined) return null as unknown as autocannon.Request;
        const name = this.nextName();
        const channels = this.seq % 1000;
        return {
          ...req,
          path: `/api/v1/accounts/${context.accountId}`,
          headers: {
            authorization: `Bearer ${context.key}`,
            "content-type": "application/json",
            "if-match": context.etag ?? '"v1"',
          },
          body: JSON.stringify({
            name,
            creditLimit: 750,
            channels,
            cps: 5,
            billingEmail: "noc@load.example",
            country: "GB",
          }),
        };
      },
    };
    let finished: () => void = () => {};
    const done = new Promise<void>((resolve) => (finished = resolve));
    const client = autocannon(
      {
        url: baseUrl,
        connections,
        duration: maxSeconds,
        timeout: 30,
        // Latency of every answer, not only 2xx: the report splits them itself.
        requests: [
          {
            method: "POST",
            path: "/api/v1/accounts",
            setupRequest: (req, context: Context) => {
              const key = this.nextKey();
              context.key = key;
              const name = this.nextName();
              return {
                ...req,
                headers: {
                  authorization: `Bearer ${key}`,
                  "content-type": "application/json",
                },
                body: JSON.stringify({
                  type: "customer",
                  name,
                  currency: "usd",
                  creditLimit: 500,
                  channels: 30,
                  cps: 5,
                }),
              };
            },
            onResponse: (status, body, context: Context, headers) => {
              const h = lower(headers);
              answer("post", status, status === 201);
              if (status !== 201) return;
              let parsed: { id?: number; name?: string } = {};
              try {
                parsed = JSON.parse(body) as typeof parsed;
              } catch {
                // recorded below as an acknowledgement without an id: the check reports it
              }
              const { id = -1, name = "" } = parsed;
              context.accountId = id;
              context.etag = h.etag;
              this.acks.push({
                instance,
                phase,
                method: "POST",
                requestId: h["x-request-id"] ?? null,
                accountId: id,
                name,
                channels: 30,
              });
            },
          },
          page(() => "/audit-log", "page"),
          {
            ...put,
            onResponse: (status, body, context: Context, headers) =>
              this.onPut(status, body, context, headers, instance, phase, answer),
          },
          page(
            () => `/audit-log?q=${encodeURIComponent(SEARCHES[search++ % SEARCHES.length]!)}`,
            "search",
          ),
          {
            ...put,
            onResponse: (status, body, context: Context, headers) =>
              this.onPut(status, body, context, headers, instance, phase, answer),
          },
        ],
      },
      () => finished(),
    );
    client.on("response", (_c: unknown, _status: number, _bytes: number, ms: number) => {
      if (this.last) this.last.ms = ms;
      this.last = null;
    });
    const countError = () => {
      const k = `${phase} ${instance}`;
      this.errors.set(k, (this.errors.get(k) ?? 0) + 1);
    };
    client.on("reqError", countError);
    return { stop: () => client.stop(), done };
  }

  private onPut(
    status: number,
    body: string,
    context: Context,
    headers: Record<string, unknown> | undefined,
    instance: string,
    phase: string,
    answer: (kind: Kind, status: number, ok: boolean) => void,
  ) {
    answer("put", status, status === 200);
    if (status !== 200) return;
    const h = Object.fromEntries(
      Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
    );
    let parsed: { id?: number; name?: string; channels?: number } = {};
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      // recorded as an acknowledgement without values: the check reports it
    }
    const { id = -1, name = "", channels = -1 } = parsed;
    context.etag = h.etag;
    this.acks.push({
      instance,
      phase,
      method: "PUT",
      requestId: h["x-request-id"] ?? null,
      accountId: id,
      name,
      channels,
    });
  }
}
