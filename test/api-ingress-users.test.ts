import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog, ingressRoutes, type users } from "@/db/schema";
import { setAccountStatusOperation } from "@/lib/accounts/set-account-status";
import { accountEndpoints } from "@/lib/api/v1/accounts";
import { ingressEndpoints } from "@/lib/api/v1/ingress";
import { userEndpoints } from "@/lib/api/v1/users";
import { createIngressOperation } from "@/lib/ingress/create-ingress-route";
import { inviteUserOperation } from "@/lib/users/invite-user";
import { callApi, keyFor } from "./api-support";
import { setUpTestDatabase } from "./db";
import { insertTestAccount, insertTestUser } from "./factories";
import { asCurrent, runAs } from "./run-action";

const database = setUpTestDatabase();
const db = () => database.db;

type UserRow = typeof users.$inferSelect;
type Ingress = {
  id: number;
  accountId: number;
  name: string;
  allowedIps: string[];
  version: number;
};
type Page<T> = { data: T[]; nextCursor: string | null };

let admin: UserRow;
let adminKey: string;
let readKey: string;
let supportKey: string;
let auditorKey: string;
let customerA: number;
let customerB: number;
let carrier: number;
let portalA: UserRow;
let colleagueA: UserRow;
let portalB: UserRow;
let portalKeyA: string;

beforeAll(async () => {
  admin = await insertTestUser(db(), { role: "admin" });
  adminKey = await keyFor(db(), admin, "read_write", "Provisioning");
  readKey = await keyFor(db(), admin, "read", "Reporting");
  supportKey = await keyFor(db(), await insertTestUser(db(), { role: "support" }), "read_write");
  auditorKey = await keyFor(db(), await insertTestUser(db(), { role: "auditor" }), "read_write");
  customerA = (await insertTestAccount(db())).id;
  customerB = (await insertTestAccount(db())).id;
  carrier = (await insertTestAccount(db(), "carrier")).id;
  portalA = await insertTestUser(db(), { role: "customer", accountId: customerA });
  colleagueA = await insertTestUser(db(), { role: "customer", accountId: customerA });
  portalB = await insertTestUser(db(), { role: "customer", accountId: customerB });
  portalKeyA = await keyFor(db(), portalA, "read_write", "Portal sync");
});

const counts = async () => ({
  routes: await db().$count(ingressRoutes),
  entries: await db().$count(auditLog),
});

const entriesOf = (res: Response) =>
  db()
    .select()
    .from(auditLog)
    .where(eq(auditLog.requestId, res.headers.get("x-request-id")!));

const newRoute = (name: string) => ({
  name,
  techPrefix: "12#",
  allowedIps: ["192.0.2.10", "198.51.100.0/24"],
  channels: 30,
  cps: 5,
  maxDurationS: 3600,
  status: "active",
});

/** A route made through the Control Panel's operation, as the admin. */
async function routeOf(accountId: number, name = "Seeded trunk") {
  const result = await runAs(db(), createIngressOperation, asCurrent(admin), {
    accountId,
    ...newRoute(name),
    allowedIps: "192.0.2.1",
  });
  if (result.status !== "ok") throw new Error(JSON.stringify(result));
  return result.data;
}

const params = (id: number) => ({ id: String(id) });

describe("ingress through the API", () => {
  it("POST, PUT and DELETE each write one entry with their verb and the key's label", async () => {
    const before = await counts();
    const created = await callApi(db(), ingressEndpoints.create, {
      key: adminKey,
      params: params(customerA),
      body: newRoute("Main trunk"),
    });
    expect(created.status).toBe(201);
    const route = (await created.json()) as Ingress;
    expect(route).toMatchObject({
      accountId: customerA,
      name: "Main trunk",
      allowedIps: ["192.0.2.10/32", "198.51.100.0/24"],
    });
    expect(created.headers.get("location")).toBe(`/api/v1/ingress/${route.id}`);
    expect(created.headers.get("etag")).toBe(`"v${route.version}"`);
    const label = `${admin.name} · Provisioning`;
    const [posted, ...morePosted] = await entriesOf(created);
    expect(morePosted).toHaveLength(0);
    expect(posted).toMatchObject({
      action: "POST",
      tableName: "ingress_routes",
      recordPk: String(route.id),
      actorType: "api",
      actorLabel: label,
    });

    const got = await callApi(db(), ingressEndpoints.get, {
      key: readKey,
      params: params(route.id),
    });
    expect(got.status).toBe(200);
    expect(got.headers.get("etag")).toBe(`"v${route.version}"`);
    const listed = (await (
      await callApi(db(), ingressEndpoints.list, { key: readKey, params: params(customerA) })
    ).json()) as { data: Ingress[] };
    expect(listed.data.map((r) => r.id)).toContain(route.id);

    const put = await callApi(db(), ingressEndpoints.update, {
      key: adminKey,
      params: params(route.id),
      headers: { "if-match": `"v${route.version}"` },
      body: { ...newRoute("Main trunk 2"), allowedIps: ["2001:db8::/32"], status: "disabled" },
    });
    expect(put.status).toBe(200);
    expect(put.headers.get("etag")).toBe(`"v${route.version + 1}"`);
    expect(await put.json()).toMatchObject({
      name: "Main trunk 2",
      allowedIps: ["2001:db8::/32"],
      status: "disabled",
    });
    const putEntries = await entriesOf(put);
    expect(putEntries).toHaveLength(1);
    expect(putEntries[0]).toMatchObject({ action: "PUT", actorLabel: label });

    const deleted = await callApi(db(), ingressEndpoints.delete, {
      key: adminKey,
      params: params(route.id),
    });
    expect(deleted.status).toBe(204);
    const deleteEntries = await entriesOf(deleted);
    expect(deleteEntries).toHaveLength(1);
    expect(deleteEntries[0]).toMatchObject({ action: "DELETE", actorLabel: label });
    expect(await counts()).toEqual({ routes: before.routes, entries: before.entries + 3 });
    expect(
      (await callApi(db(), ingressEndpoints.get, { key: adminKey, params: params(route.id) }))
        .status,
    ).toBe(404);
  });

  it("PUT without If-Match is 428, with a stale one 412, and writes nothing", async () => {
    const { id, version } = await routeOf(customerA);
    const put = (headers: Record<string, string>) =>
      callApi(db(), ingressEndpoints.update, {
        key: adminKey,
        params: params(id),
        headers,
        body: newRoute("Renamed"),
      });
    const before = await counts();
    expect((await put({})).status).toBe(428);
    expect((await put({ "if-match": `"v${version + 1}"` })).status).toBe(412);
    expect((await put({ "if-match": "*" })).status).toBe(412);
    expect(await counts()).toEqual(before);
    const [row] = await db().select().from(ingressRoutes).where(eq(ingressRoutes.id, id));
    expect(row).toMatchObject({ name: "Seeded trunk", version });
  });

  it("invalid bodies are 422 with every field's error and nothing written", async () => {
    const { id, version } = await routeOf(customerA);
    const before = await counts();
    const bad = {
      name: "",
      techPrefix: "abc",
      allowedIps: ["300.1.1.1", "10.0.0.1/8"],
      channels: -1,
      cps: "many",
      maxDurationS: 0,
      status: "on",
    };
    const created = await callApi(db(), ingressEndpoints.create, {
      key: adminKey,
      params: params(customerA),
      body: bad,
    });
    expect(created.status).toBe(422);
    expect(created.headers.get("content-type")).toBe("application/problem+json");
    const problem = (await created.json()) as { errors: Record<string, string[]> };
    expect(Object.keys(problem.errors).sort()).toEqual([
      "allowedIps",
      "channels",
      "cps",
      "maxDurationS",
      "name",
      "status",
      "techPrefix",
    ]);
    expect(problem.errors.allowedIps).toHaveLength(2);

    const updated = await callApi(db(), ingressEndpoints.update, {
      key: adminKey,
      params: params(id),
      headers: { "if-match": `"v${version}"` },
      body: bad,
    });
    expect(updated.status).toBe(422);
    const notStrings = await callApi(db(), ingressEndpoints.create, {
      key: adminKey,
      params: params(customerA),
      body: { ...newRoute("Odd"), allowedIps: [42] },
    });
    expect(notStrings.status).toBe(422);
    expect(Object.keys(((await notStrings.json()) as typeof problem).errors)).toEqual([
      "allowedIps",
    ]);
    // A carrier has no ingress routes; a missing account is a 404.
    const toCarrier = await callApi(db(), ingressEndpoints.create, {
      key: adminKey,
      params: params(carrier),
      body: newRoute("Wrong side"),
    });
    expect(toCarrier.status).toBe(422);
    const nowhere = await callApi(db(), ingressEndpoints.create, {
      key: adminKey,
      params: params(999_999_999),
      body: newRoute("Nowhere"),
    });
    expect(nowhere.status).toBe(404);
    expect(await counts()).toEqual(before);
  });

  it("a read-only key reads but every write is 403 with nothing written", async () => {
    const { id, version } = await routeOf(customerA);
    const before = await counts();
    const create = await callApi(db(), ingressEndpoints.create, {
      key: readKey,
      params: params(customerA),
      body: newRoute("Read only"),
    });
    const update = await callApi(db(), ingressEndpoints.update, {
      key: readKey,
      params: params(id),
      headers: { "if-match": `"v${version}"` },
      body: newRoute("Read only"),
    });
    const remove = await callApi(db(), ingressEndpoints.delete, {
      key: readKey,
      params: params(id),
    });
    expect([create.status, update.status, remove.status]).toEqual([403, 403, 403]);
    expect(await counts()).toEqual(before);
  });

  it("a support key manages ingress as in the UI; an auditor key only reads", async () => {
    const created = await callApi(db(), ingressEndpoints.create, {
      key: supportKey,
      params: params(customerA),
      body: newRoute("Support trunk"),
    });
    expect(created.status).toBe(201);
    const route = (await created.json()) as Ingress;
    const updated = await callApi(db(), ingressEndpoints.update, {
      key: supportKey,
      params: params(route.id),
      headers: { "if-match": `"v${route.version}"` },
      body: newRoute("Support trunk 2"),
    });
    expect(updated.status).toBe(200);

    const before = await counts();
    expect(
      (await callApi(db(), ingressEndpoints.get, { key: auditorKey, params: params(route.id) }))
        .status,
    ).toBe(200);
    const auditorWrite = await callApi(db(), ingressEndpoints.delete, {
      key: auditorKey,
      params: params(route.id),
    });
    expect(auditorWrite.status).toBe(403);
    expect(await counts()).toEqual(before);

    const deleted = await callApi(db(), ingressEndpoints.delete, {
      key: supportKey,
      params: params(route.id),
    });
    expect(deleted.status).toBe(204);
  });

  it("a portal key gets none: the list is 403, any record 404, writes 403", async () => {
    const own = await routeOf(customerA);
    const theirs = await routeOf(customerB);
    const before = await counts();
    for (const account of [customerA, customerB]) {
      const list = await callApi(db(), ingressEndpoints.list, {
        key: portalKeyA,
        params: params(account),
      });
      expect(list.status).toBe(403);
    }
    for (const route of [own, theirs]) {
      const get = await callApi(db(), ingressEndpoints.get, {
        key: portalKeyA,
        params: params(route.id),
      });
      expect(get.status).toBe(404);
      const put = await callApi(db(), ingressEndpoints.update, {
        key: portalKeyA,
        params: params(route.id),
        headers: { "if-match": `"v${route.version}"` },
        body: newRoute("Mine now"),
      });
      expect(put.status).toBe(403);
    }
    const post = await callApi(db(), ingressEndpoints.create, {
      key: portalKeyA,
      params: params(customerA),
      body: newRoute("Self-service"),
    });
    expect(post.status).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it("a key whose owner may not read accounts is refused (403)", async () => {
    const brandingKey = await keyFor(db(), await insertTestUser(db(), { role: "branding" }));
    const { id } = await routeOf(customerA);
    const list = await callApi(db(), ingressEndpoints.list, {
      key: brandingKey,
      params: params(customerA),
    });
    const get = await callApi(db(), ingressEndpoints.get, { key: brandingKey, params: params(id) });
    expect([list.status, get.status]).toEqual([403, 403]);
  });

  it("the list of a missing account is 404", async () => {
    const res = await callApi(db(), ingressEndpoints.list, {
      key: adminKey,
      params: params(999_999_999),
    });
    expect(res.status).toBe(404);
  });
});

type ApiUser = Record<string, unknown> & { id: number; accountId?: number | null };

describe("users through the API", () => {
  it("never sends a secret column, even for a user with a pending invitation", async () => {
    const invited = await runAs(db(), inviteUserOperation, asCurrent(admin), {
      name: "Pending Person",
      email: "pending.person@example.test",
      role: "customer",
      accountId: String(customerA),
    });
    expect(invited.status).toBe("ok");
    const calls = [
      callApi(db(), userEndpoints.list, { key: adminKey }),
      callApi(db(), userEndpoints.list, { key: adminKey, path: "/users?status=invited" }),
      callApi(db(), userEndpoints.list, { key: portalKeyA }),
      callApi(db(), userEndpoints.get, { key: adminKey, params: params(portalA.id) }),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status).toBe(200);
      const text = (await res.text()).toLowerCase();
      expect(text).toContain("@example.test");
      for (const secret of ["password", "hash", "token", "totp", "secret"]) {
        expect(text).not.toContain(secret);
      }
    }
  });

  it("staff keys need users:manage: admin lists and reads, support and auditor are 403", async () => {
    const list = await callApi(db(), userEndpoints.list, { key: adminKey });
    expect(list.status).toBe(200);
    const page = (await list.json()) as Page<ApiUser>;
    expect(page.data.map((u) => u.id)).toContain(portalB.id);
    const got = await callApi(db(), userEndpoints.get, {
      key: readKey,
      params: params(portalB.id),
    });
    expect(got.status).toBe(200);
    expect(got.headers.get("etag")).toMatch(/^"v\d+"$/);
    expect(await got.json()).toMatchObject({ role: "customer", accountId: customerB });
    for (const key of [supportKey, auditorKey]) {
      expect((await callApi(db(), userEndpoints.list, { key })).status).toBe(403);
      const one = await callApi(db(), userEndpoints.get, { key, params: params(portalB.id) });
      expect(one.status).toBe(403);
    }
    const missing = await callApi(db(), userEndpoints.get, {
      key: adminKey,
      params: params(999_999_999),
    });
    expect(missing.status).toBe(404);
  });

  it("filters by role, status and account, and pages by cursor", async () => {
    const account = (await insertTestAccount(db())).id;
    const mine = [];
    for (let i = 0; i < 52; i++) {
      mine.push((await insertTestUser(db(), { role: "customer", accountId: account })).id);
    }
    const disabled = await insertTestUser(db(), {
      role: "customer",
      accountId: account,
      status: "disabled",
    });
    const get = async (query: string) => {
      const res = await callApi(db(), userEndpoints.list, {
        key: adminKey,
        path: `/users?${query}`,
      });
      expect(res.status).toBe(200);
      return (await res.json()) as Page<ApiUser>;
    };
    const first = await get(`accountId=${account}&status=active`);
    expect(first.data).toHaveLength(50);
    expect(first.nextCursor).toBe(String(mine[49]));
    const second = await get(`accountId=${account}&status=active&cursor=${first.nextCursor}`);
    expect(second.data.map((u) => u.id)).toEqual(mine.slice(50));
    expect(second.nextCursor).toBeNull();
    expect((await get(`accountId=${account}&status=disabled`)).data.map((u) => u.id)).toEqual([
      disabled.id,
    ]);
    const staff = await get("role=admin");
    expect(staff.data.map((u) => u.id)).toContain(admin.id);
    expect(staff.data.every((u) => u.role === "admin")).toBe(true);
    const wrong = await callApi(db(), userEndpoints.list, { key: adminKey, path: "/users?role=x" });
    expect(wrong.status).toBe(400);
  });

  it("a portal key sees its own account's users as the portal does, and 404 for anyone else", async () => {
    const res = await callApi(db(), userEndpoints.list, { key: portalKeyA });
    expect(res.status).toBe(200);
    const page = (await res.json()) as Page<ApiUser>;
    const ids = page.data.map((u) => u.id);
    expect(ids).toEqual(expect.arrayContaining([portalA.id, colleagueA.id]));
    expect(ids).not.toContain(portalB.id);
    expect(ids).not.toContain(admin.id);
    for (const user of page.data) {
      expect(Object.keys(user).sort()).toEqual([
        "createdAt",
        "email",
        "id",
        "lastSignInAt",
        "name",
        "portalAdmin",
        "status",
        "version",
      ]);
    }
    const colleague = await callApi(db(), userEndpoints.get, {
      key: portalKeyA,
      params: params(colleagueA.id),
    });
    expect(colleague.status).toBe(200);
    for (const other of [portalB, admin]) {
      const one = await callApi(db(), userEndpoints.get, {
        key: portalKeyA,
        params: params(other.id),
      });
      expect(one.status).toBe(404);
    }
    // Its list cannot be widened to another account, nor narrowed by a column it is not shown.
    for (const query of [`accountId=${customerB}`, "role=customer"]) {
      const widened = await callApi(db(), userEndpoints.list, {
        key: portalKeyA,
        path: `/users?${query}`,
      });
      expect(widened.status).toBe(400);
    }
  });
});

describe("the accounts list", () => {
  const list = async (query: string, key = adminKey) => {
    const res = await callApi(db(), accountEndpoints.list, { key, path: `/accounts?${query}` });
    expect(res.status).toBe(200);
    return (await res.json()) as Page<{ id: number; name: string; type: string; status: string }>;
  };

  it("filters by q (name or exact id), type and status", async () => {
    const suffix = `${process.pid}-${Date.now()}`;
    const customer = await insertTestAccount(db(), "customer", `Zephyr Voice ${suffix}`);
    const other = await insertTestAccount(db(), "carrier", `Zephyr Transit ${suffix}`);
    const suspended = await runAs(db(), setAccountStatusOperation, asCurrent(admin), {
      id: customer.id,
      status: "suspended",
    });
    expect(suspended.status).toBe("ok");

    const byName = await list(`q=${encodeURIComponent(`zephyr voice ${suffix}`)}`);
    expect(byName.data.map((a) => a.id)).toEqual([customer.id]);
    const both = await list(`q=${encodeURIComponent(suffix)}`);
    expect(both.data.map((a) => a.id)).toEqual([customer.id, other.id]);
    expect((await list(`q=${other.id}`)).data.map((a) => a.id)).toEqual([other.id]);
    const carriers = await list(`q=${encodeURIComponent(suffix)}&type=carrier`);
    expect(carriers.data.map((a) => a.id)).toEqual([other.id]);
    const suspendedOnes = await list(`q=${encodeURIComponent(suffix)}&status=suspended`);
    expect(suspendedOnes.data.map((a) => a.id)).toEqual([customer.id]);
    expect(suspendedOnes.data[0]!.status).toBe("suspended");
    // "%" is matched literally, not as a wildcard.
    expect((await list(`q=${encodeURIComponent("%")}`)).data).toEqual([]);
    const bad = await callApi(db(), accountEndpoints.list, {
      key: adminKey,
      path: "/accounts?type=reseller",
    });
    expect(bad.status).toBe(400);
  });

  it("pages 50 at a time by cursor until nextCursor is null", async () => {
    const prefix = `Pagewise ${process.pid}-${Date.now()}`;
    const ids = [];
    for (let i = 0; i < 53; i++)
      ids.push((await insertTestAccount(db(), "carrier", `${prefix} ${i}`)).id);
    const q = `q=${encodeURIComponent(prefix)}`;
    const first = await list(q);
    expect(first.data.map((a) => a.id)).toEqual(ids.slice(0, 50));
    expect(first.nextCursor).toBe(String(ids[49]));
    const second = await list(`${q}&cursor=${first.nextCursor}`);
    expect(second.data.map((a) => a.id)).toEqual(ids.slice(50));
    expect(second.nextCursor).toBeNull();
    const badCursor = await callApi(db(), accountEndpoints.list, {
      key: adminKey,
      path: "/accounts?cursor=abc",
    });
    expect(badCursor.status).toBe(400);
  });

  it("a portal key's list is its own account, and the filters apply to it", async () => {
    expect((await list("", portalKeyA)).data.map((a) => a.id)).toEqual([customerA]);
    expect((await list("type=carrier", portalKeyA)).data).toEqual([]);
    expect((await list(`q=${customerB}`, portalKeyA)).data).toEqual([]);
    expect((await list(`cursor=${customerA}`, portalKeyA)).data).toEqual([]);
  });
});
