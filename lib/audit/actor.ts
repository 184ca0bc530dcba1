import { randomUUID } from "node:crypto";
import type { ActorType, Channel } from "@/db/schema";

/** Who is making a change, from where: everything the audit entry records about the actor. */
export type ActorContext = {
  type: ActorType;
  userId: number | null;
  /** What the User column shows: staff name, "Portal", or "owner · key name". */
  label: string;
  /** The identity behind the label when it does not say it (the portal user behind "Portal"). */
  detail?: string | null;
  apiKeyId?: number | null;
  channel: Channel;
  ip: string | null;
  userAgent: string | null;
  requestId: string;
  /** The reason asked for when the "audit comment" setting is on. */
  comment?: string | null;
  /** Back-dates the entry; only seeds and imports of historical data set it. */
  at?: Date;
};

export const PORTAL_LABEL = "Portal";

export function systemActor(label = "System", overrides: Partial<ActorContext> = {}): ActorContext {
  return {
    type: "system",
    userId: null,
    label,
    channel: "system",
    ip: null,
    userAgent: null,
    requestId: randomUUID(),
    ...overrides,
  };
}
