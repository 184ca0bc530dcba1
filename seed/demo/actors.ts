/**
 * Actor contexts for back-dated entries, shaped like the ones the app builds for the same kind
 * of request (lib/auth/authenticate.ts for sign-ins), so seeded and live entries read alike.
 */
import { PORTAL_LABEL, systemActor, type ActorContext } from "@/lib/audit/actor";
import { isPortalRole } from "@/lib/auth/roles";
import type { Random } from "@/seed/random";
import { roleAt, type SeedApiKey, type SeedUser } from "./world";

export type Via = { ip?: string; userAgent?: string };

export class Actors {
  constructor(private readonly rng: Random) {}

  /** Staff in the Control Panel, or "Portal" for an account's user: whichever the user is. */
  user(user: SeedUser, at: Date, via: Via = {}): ActorContext {
    return isPortalRole(roleAt(user, at.getTime()))
      ? this.portal(user, at, via)
      : this.staff(user, at, via);
  }

  staff(user: SeedUser, at: Date, via: Via = {}): ActorContext {
    return {
      type: "user",
      userId: user.id,
      label: user.name,
      detail: null,
      channel: "control_panel",
      ip: via.ip ?? this.usualIp(user),
      userAgent: via.userAgent ?? user.userAgent,
      requestId: this.rng.uuid(),
      at,
    };
  }

  portal(user: SeedUser, at: Date, via: Via = {}): ActorContext {
    return {
      type: "portal",
      userId: user.id,
      label: PORTAL_LABEL,
      detail: `${user.name} <${user.email}>`,
      channel: "portal",
      ip: via.ip ?? this.usualIp(user),
      userAgent: via.userAgent ?? user.userAgent,
      requestId: this.rng.uuid(),
      at,
    };
  }

  api(key: SeedApiKey, at: Date, ip: string, userAgent: string): ActorContext {
    return {
      type: "api",
      userId: key.owner.id,
      label: `${key.owner.name} · ${key.name}`,
      apiKeyId: key.id,
      channel: "api",
      ip,
      userAgent,
      requestId: this.rng.uuid(),
      at,
    };
  }

  system(at: Date, label = "System", detail: string | null = null): ActorContext {
    return systemActor(label, { detail, requestId: this.rng.uuid(), at });
  }

  /** A sign-in attempt that did not sign anyone in (authenticate.ts names it by the email). */
  anonymous(email: string, at: Date, ip: string, userAgent: string): ActorContext {
    return {
      type: "user",
      userId: null,
      label: email,
      detail: `unauthenticated: ${email}`,
      channel: "control_panel",
      ip,
      userAgent,
      requestId: this.rng.uuid(),
      at,
    };
  }

  /** Mostly the office address; now and then from home over IPv6. */
  usualIp(user: SeedUser): string {
    return this.rng.chance(0.12) ? user.ipv6 : user.ip;
  }
}
