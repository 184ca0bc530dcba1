/**
 * What the seed knows about the records it plans. Planning fixes who exists when (invited,
 * active, disabled); ids are filled in as the timeline plays and the database assigns them.
 */
import type { UserRole } from "@/db/schema";
import type { AuditedTableName } from "@/lib/audit/tables";
import type { CarrierSpec, CustomerSpec } from "./names";

export type SeedUser = {
  id: number;
  email: string;
  name: string;
  /** Roles over time: promotions are planned like everything else. */
  roles: Array<{ from: number; role: UserRole }>;
  account: SeedAccount | null;
  /** Manages the account's portal users and contact details (portal users only). */
  portalAdmin?: boolean;
  ip: string;
  ipv6: string;
  userAgent: string;
  utcOffset: number;
  timeZones: string[];
  invitedAt: number;
  /** When the invitation is accepted; null for one never accepted. */
  activeFrom: number | null;
  /** When the user is disabled or deleted; Infinity when never. */
  activeUntil: number;
};

export type SeedAccount = {
  id: number;
  type: "customer" | "carrier";
  name: string;
  short: string;
  domain: string;
  country: string;
  currency: string;
  utcOffset: number;
  createdAt: number;
  /** Planned removal of a throwaway account; Infinity otherwise. */
  deletedAt: number;
  /** When it stops trading (churned customer, ended contract); Infinity otherwise. */
  closedAt: number;
  customer?: CustomerSpec;
  carrier?: CarrierSpec;
  ingress: SeedIngress[];
  users: SeedUser[];
};

export type SeedIngress = {
  id: number;
  account: SeedAccount;
  name: string;
  techPrefix: string;
  /** The CIDR blocks and limits it is created with. */
  cidrs: string[];
  channels: number;
  cps: number;
  createdAt: number;
  deletedAt: number;
  /** Share of its account's traffic. */
  weight: number;
  sipUserAgent: string;
  codec: string;
  transport: "UDP" | "TCP" | "TLS";
};

export type SeedApiKey = {
  id: number;
  name: string;
  prefix: string;
  owner: SeedUser;
  scope: "read" | "read_write";
  createdAt: number;
  revokedAt: number;
};

export const roleAt = (user: SeedUser, t: number): UserRole => {
  let role = user.roles[0]!.role;
  for (const r of user.roles) if (r.from <= t) role = r.role;
  return role;
};

export const isActiveAt = (user: SeedUser, t: number): boolean =>
  user.activeFrom !== null && user.activeFrom <= t && t < user.activeUntil;

/** Every state a record went through, from the rows the core read back after each write. */
class RecordHistory {
  private readonly states = new Map<
    string,
    Array<{ at: number; row: Record<string, unknown> | null }>
  >();

  record(
    table: AuditedTableName,
    id: number | string,
    at: number,
    row: Record<string, unknown> | null,
  ) {
    const key = `${table}:${String(id)}`;
    let list = this.states.get(key);
    if (!list) this.states.set(key, (list = []));
    list.push({ at, row });
  }

  /** The record as it was at `t`: null before it existed and after it was deleted. */
  at(table: AuditedTableName, id: number | string, t: number): Record<string, unknown> | null {
    const list = this.states.get(`${table}:${String(id)}`) ?? [];
    let state: Record<string, unknown> | null = null;
    for (const entry of list) {
      if (entry.at > t) break;
      state = entry.row;
    }
    return state;
  }
}

export class World {
  readonly staff = new Map<string, SeedUser>();
  readonly accounts: SeedAccount[] = [];
  readonly apiKeys: SeedApiKey[] = [];
  readonly history = new RecordHistory();
  /** Ids of the destinations, by prefix, once imported. */
  readonly destinationIds = new Map<string, number>();
  /** Ids of the CDR field defaults, by account type. */
  readonly cdrFieldSettingIds = new Map<string, number>();

  staffUser(key: string): SeedUser {
    const user = this.staff.get(key);
    if (!user) throw new Error(`unknown staff user ${key}`);
    return user;
  }

  account(name: string): SeedAccount {
    const account = this.accounts.find((a) => a.name === name);
    if (!account) throw new Error(`unknown account ${name}`);
    return account;
  }

  get customers(): SeedAccount[] {
    return this.accounts.filter((a) => a.type === "customer" && a.customer);
  }

  get carriers(): SeedAccount[] {
    return this.accounts.filter((a) => a.type === "carrier" && a.carrier);
  }

  get portalUsers(): SeedUser[] {
    return this.accounts.flatMap((a) => a.users);
  }
}
