/**
 * The demo seed: three months of a wholesale VoIP platform's life, played through the audited
 * core so the audit log is the true history of the data, then thirty days of CDRs. The same
 * options give the same data (a seeded PRNG); a database that has the demo admin is left alone.
 */
import { sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { queryRows } from "@/db/raw";
import { loginAttempts, users, userSessions } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { Actors } from "./actors";
import { CidrAllocator } from "./addresses";
import { planApi } from "./api";
import { planBootstrap } from "./bootstrap";
import { planBranding } from "./branding";
import { cdrWindow, insertDemoCdrs } from "./cdrs";
import type { SeedContext } from "./context";
import { planExports } from "./exports";
import { planSignIns } from "./logins";
import { ADMIN_EMAIL } from "./names";
import { planOnboarding } from "./onboarding";
import { planStaffRoutine, planStaffStories } from "./operations";
import { planColleagues, planPortalActivity } from "./portal";
import { Random } from "@/seed/random";
import { DAY, MINUTE, Timeline } from "./timeline";
import { World } from "./world";
import { AuditedWriter } from "./writer";

export const DEMO_PASSWORD = "demo-password";

/** The demo sign-ins (PRODUCT.md §8), for the start and seed scripts to print. */
export const DEMO_SIGN_INS = [
  {
    email: ADMIN_EMAIL,
    role: "admin",
    sees: "Control Panel: everything, every audit column",
  },
  {
    email: "support@example.com",
    role: "support",
    sees: "Control Panel: accounts and ingress; audit log without IPs",
  },
  {
    email: "auditor@example.com",
    role: "auditor",
    sees: "Control Panel, read-only: every audit column, exports",
  },
  {
    email: "brand@example.com",
    role: "branding",
    sees: "Portal branding; audit entries of branding tables",
  },
  {
    email: "portal@acme.example",
    role: "customer",
    sees: "Customer Portal of Acme Telecom (customer), portal admin",
  },
  {
    email: "noc@zephyr.example",
    role: "carrier",
    sees: "Customer Portal of Zephyr Transit (carrier), portal admin",
  },
] as const;

export type SeedDemoOptions = {
  /** CDRs over the last 30 days (default 100,000). */
  cdrCount?: number;
  /** Share of the routine history to write (default 1, about 5,000 audit entries). */
  historyScale?: number;
  /** The moment the history ends at (default: now). */
  now?: Date;
  /** Progress lines, for scripts. */
  log?: (line: string) => void;
};

const SEED = 0x7e11_2024;
// Serialises concurrent seeds of one server: the second waits, then finds the demo admin.
const LOCK_KEY = 7_427_001_613;

export async function seedDemo(
  db: Db,
  options: SeedDemoOptions = {},
): Promise<{ seeded: boolean }> {
  if (await hasDemoAdmin(db)) return { seeded: false };
  const log = options.log ?? (() => {});
  const now = (options.now ?? new Date()).getTime();
  // Hashing is slow by design: two hashes of the one password serve every user.
  const initial = await hashPassword(DEMO_PASSWORD);
  const reset = await hashPassword(DEMO_PASSWORD);

  // One transaction: an interrupted seed leaves nothing behind, so running it again works.
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_KEY})`);
    if (await hasDemoAdmin(tx)) return { seeded: false };
    log("Loading the demo data (about a minute)…");

    const root = new Random(SEED);
    const world = new World();
    const timeline = new Timeline(now - 90 * DAY, now - 30 * MINUTE);
    const scale = Math.max(0, options.historyScale ?? 1);
    const ctx: SeedContext = {
      plan: root.fork("plan"),
      timeline,
      write: new AuditedWriter(tx, (table, id, at, row) =>
        world.history.record(table, id, at, row),
      ),
      actors: new Actors(root.fork("actors")),
      world,
      cidrs: new CidrAllocator(),
      passwordHashes: { initial, reset },
      loginAttempts: [],
      sessions: [],
      scale,
      count: (n, min = 1) => Math.max(min, Math.round(n * scale)),
    };

    planBootstrap(ctx);
    planOnboarding(ctx);
    planColleagues(ctx);
    planStaffStories(ctx);
    planBranding(ctx);
    planApi(ctx);
    planStaffRoutine(ctx);
    planPortalActivity(ctx);
    planExports(ctx);
    planSignIns(ctx);

    log(`Writing ${timeline.size} steps of history through the audit core…`);
    await timeline.play((done, total) => log(`  ${done} / ${total}`));
    await insertLoginAttempts(tx, ctx);
    await insertSessions(tx, ctx);
    await insertApiKeyUsage(tx);

    const cdrCount = Math.max(0, Math.round(options.cdrCount ?? 100_000));
    log(`Loading ${cdrCount} CDRs…`);
    // After the history, at its end: audit ids keep growing with time.
    const importer = () =>
      ctx.actors.system(new Date(cdrWindow(now).to), "System", "CDR backfill from the switch");
    await insertDemoCdrs(
      tx,
      world,
      root.fork("cdrs"),
      { count: cdrCount, ...cdrWindow(now) },
      importer,
    );
    return { seeded: true };
  });
}

/** The sessions of the demo's sign-ins, so users' "last sign-in" shows. */
async function insertSessions(db: DbOrTx, ctx: SeedContext): Promise<void> {
  // A user deleted later in the story takes their sessions with them.
  const live = new Set((await db.select({ id: users.id }).from(users)).map((u) => u.id));
  const rows = ctx.sessions.filter((s) => live.has(s.userId));
  for (let i = 0; i < rows.length; i += 1_000) {
    await db.insert(userSessions).values(rows.slice(i, i + 1_000));
  }
}

/** Each key's last use, as the API notes it (kept apart from the audited key row). */
async function insertApiKeyUsage(db: DbOrTx): Promise<void> {
  await db.execute(sql`
    insert into api_key_usage (key_id, last_used_at, last_ip)
    select distinct on (a.api_key_id) a.api_key_id, a.occurred_at, host(a.ip)
    from audit_log a join api_keys k on k.id = a.api_key_id
    where a.actor_type = 'api'
    order by a.api_key_id, a.occurred_at desc`);
}

async function hasDemoAdmin(db: DbOrTx): Promise<boolean> {
  const rows = await queryRows(
    db,
    sql`select 1 from users where lower(email) = ${ADMIN_EMAIL} limit 1`,
  );
  return rows.length > 0;
}

/** The throttle's table of attempts, matching the LOGIN entries (never audited itself). */
async function insertLoginAttempts(db: DbOrTx, ctx: SeedContext): Promise<void> {
  const rows = [...ctx.loginAttempts].sort(
    (a, b) => a.attemptedAt.getTime() - b.attemptedAt.getTime(),
  );
  for (let i = 0; i < rows.length; i += 1_000) {
    await db.insert(loginAttempts).values(rows.slice(i, i + 1_000));
  }
}
