import type { LoginOutcome } from "@/db/schema";
import type { Actors } from "./actors";
import type { CidrAllocator } from "./addresses";
import type { Random } from "@/seed/random";
import type { Timeline } from "./timeline";
import type { World } from "./world";
import type { AuditedWriter } from "./writer";

/** A row for login_attempts, which the sign-in throttle reads; written in bulk at the end. */
type LoginAttemptRow = {
  email: string;
  ip: string | null;
  outcome: LoginOutcome;
  attemptedAt: Date;
};

/** A row for user_sessions (not audited; its sign-in is the LOGIN entry); written at the end. */
type SessionRow = {
  userId: number;
  createdAt: Date;
  lastSeenAt: Date;
  ip: string | null;
  userAgent: string | null;
};

/** Everything a part of the demo story needs to plan its steps. */
export type SeedContext = {
  /**
   * Draws of the plan: who does what, when, and to which value. Steps draw nothing while they
   * play; they only apply what was drawn to the state they find.
   */
  plan: Random;
  timeline: Timeline;
  write: AuditedWriter;
  actors: Actors;
  world: World;
  cidrs: CidrAllocator;
  /** The demo password's hash, and a second hash of it for password resets (a new salt). */
  passwordHashes: { initial: string; reset: string };
  loginAttempts: LoginAttemptRow[];
  sessions: SessionRow[];
  /** How much routine history to plan: 1 for the demo, less for fast tests. */
  scale: number;
  /** A routine count at this run's history scale, at least `min`. */
  count: (n: number, min?: number) => number;
};
