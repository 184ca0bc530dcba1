import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users, type UserRole } from "@/db/schema";
import { startServer, type AppServer } from "@/tools/process/app-server";
import { freePort } from "@/tools/process/free-port";
import { SERVER_CONDITION } from "@/tools/process/server-condition";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { hashPassword } from "@/lib/auth/password";
import { BenchError } from "./cluster";

/**
 * The HTTP half: the app as `npm start` runs it (scripts/start.ts, production build) against
 * the bench database, and a signed-in admin session to time the audit page with.
 */

export const BENCH_ADMIN_EMAIL = "bench-admin@example.com";

/**
 * Creates the bench admin, or gives it a fresh password: users is an audited table, so this
 * goes through the audited-mutation core like any other change (one audit entry per run).
 * The password lives only in this process.
 */
export async function ensureBenchAdmin(db: Db): Promise<string> {
  const { password } = await ensureBenchUser(db, {
    email: BENCH_ADMIN_EMAIL,
    name: "Bench Admin",
    role: "admin",
    accountId: null,
  });
  return password;
}

type BenchUser = { email: string; name: string; role: UserRole; accountId: number | null };

/**
 * A bench user (the admin, or a portal user of a bench account for the CDR pages), created or
 * given a fresh password, through the audited-mutation core like any other change to users.
 */
export async function ensureBenchUser(
  db: Db,
  user: BenchUser,
): Promise<{ id: number; password: string }> {
  const password = randomBytes(18).toString("base64url");
  const passwordHash = await hashPassword(password);
  const actor = systemActor("bench");
  const { email, name, role, accountId } = user;
  const [existing] = await db
    .select({ id: users.id })
    .from(users)
    .where(sql`lower(${users.email}) = ${email}`);
  if (existing) {
    await auditedMutation(db, actor, {
      table: "users",
      action: "UPDATE",
      id: existing.id,
      change: async (tx) => {
        await tx
          .update(users)
          .set({ passwordHash, status: "active", role, accountId, timeZone: "UTC" })
          .where(eq(users.id, existing.id));
      },
      message: () => `Reset the password of the bench user ${email}`,
    });
    return { id: existing.id, password };
  }
  const { after } = await auditedMutation(db, actor, {
    table: "users",
    action: "CREATE",
    change: async (tx) => {
      const [row] = await tx
        .insert(users)
        .values({ email, name, role, accountId, status: "active", timeZone: "UTC", passwordHash })
        .returning({ id: users.id });
      return row!.id;
    },
  });
  return { id: after!.id, password };
}

const BUILD_BUSY = "Another next build process is already running";
const BUILD_WAIT_MS = 30_000;
const BUILD_ATTEMPTS = 20;

/**
 * Starts the app as `npm start` does. `.next` is shared with whatever else runs in this checkout
 * (an e2e run builds it too): when another `next build` holds it, wait for that one and retry,
 * within a bound, instead of failing the whole bench.
 */
export async function startApp(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<AppServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(databaseUrl, env);
    } catch (err) {
      const busy = err instanceof Error && err.message.includes(BUILD_BUSY);
      if (!busy || attempt >= BUILD_ATTEMPTS) throw err;
      console.log(`  another \`next build\` is running in this checkout; retrying in 30 s…`);
      await new Promise((resolve) => setTimeout(resolve, BUILD_WAIT_MS));
    }
  }
}

/** `env`: settings for this run's app on top of the bench's own (the API part's rate limit). */
async function startOnce(databaseUrl: string, env: Record<string, string>): Promise<AppServer> {
  const port = await freePort();
  return startServer({
    command: "npx",
    args: ["tsx", SERVER_CONDITION, "scripts/start.ts"],
    cwd: process.cwd(),
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      NEXT_TELEMETRY_DISABLED: "1",
      ...env,
    },
    port,
    // The first start after a source change runs `next build` (minutes on two cores).
    timeoutMs: 20 * 60_000,
  });
}

/** A cookie jar for one session: what the server set, sent back on every request. */
export class Session {
  private readonly cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  private remember(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eqAt = pair!.indexOf("=");
      if (eqAt > 0) this.cookies.set(pair!.slice(0, eqAt).trim(), pair!.slice(eqAt + 1).trim());
    }
  }

  /** The same cookies sent to another server (another app instance of the same deployment). */
  on(baseUrl: string): Session {
    const copy = new Session(baseUrl);
    for (const [k, v] of this.cookies) copy.cookies.set(k, v);
    return copy;
  }

  /** The Cookie header this session sends: the load test replays it from another client. */
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      ...init,
      redirect: "manual",
      headers: { ...(init.headers as Record<string, string>), cookie: this.header() },
      signal: AbortSignal.timeout(60_000),
    });
    this.remember(res);
    return res;
  }

  /** Auth.js credentials sign-in: CSRF token first, then the callback with the form fields. */
  async signIn(email: string, password: string): Promise<void> {
    const csrf = await this.fetch("/api/auth/csrf");
    const { csrfToken } = (await csrf.json()) as { csrfToken?: string };
    if (!csrfToken) throw new BenchError(`/api/auth/csrf answered ${csrf.status} without a token`);
    const res = await this.fetch("/api/auth/callback/credentials", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken, email, password, callbackUrl: "/audit-log" }),
    });
    await res.arrayBuffer();
    if (![...this.cookies.keys()].some((k) => k.includes("session-token"))) {
      throw new BenchError(
        `sign-in as ${email} failed: ${res.status} ${res.headers.get("location") ?? ""}`,
      );
    }
  }

  /** Auth.js sign-out (CSRF token, then the form): the app ends the session row. */
  async signOut(): Promise<void> {
    const csrf = await this.fetch("/api/auth/csrf");
    const { csrfToken } = (await csrf.json()) as { csrfToken?: string };
    if (!csrfToken) throw new BenchError(`/api/auth/csrf answered ${csrf.status} without a token`);
    const res = await this.fetch("/api/auth/signout", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken, callbackUrl: "/login" }),
    });
    await res.arrayBuffer();
  }

  /** One audit page, read to the end; refuses anything but the rendered page. */
  auditPage(pathAndQuery: string): Promise<number> {
    return this.page(pathAndQuery, 'data-testid="audit-count"', "the audit page");
  }

  /** One page, read to the end; refuses anything without `marker` (the rendered page's). */
  async page(pathAndQuery: string, marker: string, what: string): Promise<number> {
    const res = await this.fetch(pathAndQuery);
    const body = await res.text();
    if (res.status !== 200 || !body.includes(marker)) {
      throw new BenchError(
        `GET ${pathAndQuery} answered ${res.status} ${res.headers.get("location") ?? ""} ` +
          `instead of ${what}`,
      );
    }
    return body.length;
  }
}
