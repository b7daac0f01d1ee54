// The admin view's guests: the list (search by name, phone and live code; filters; pages; sort),
// a guest's page with ledger and checks, the CSV export, and the guest import's upload.
import { randomUUID } from "node:crypto";
import { uuidv7 } from "uuidv7";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueStaffToken } from "../../src/auth/staff-token.ts";
import type { StaffRole } from "../../src/core/context.ts";
import { createTestApp, type TestApp } from "../support.ts";
import { buildWorld, json, key, type World } from "./world.ts";

let test: TestApp;
beforeAll(async () => {
  test = await createTestApp();
});
afterAll(() => test.close());

const bearer = async (world: World, role: StaffRole) => ({ Authorization: `Bearer ${await world.tokenFor(role)}` });

async function get(world: World, path: string, role: StaffRole = "owner") {
  return test.app.request(path, { headers: await bearer(world, role) });
}

interface GuestSpec {
  firstName?: string;
  lastName?: string;
  phone?: string;
  lastVisitAt?: Date;
  registeredAt?: Date;
  createdAt?: Date;
  telegramUserId?: bigint;
  level?: "Bronze" | "Silver";
}

async function addGuest(world: World, spec: GuestSpec): Promise<string> {
  const id = uuidv7();
  await test.db.withTenant(world.tenantId, async (tx) => {
    const level = await tx.level.findFirstOrThrow({ where: { name: spec.level ?? "Bronze" } });
    await tx.guest.create({
      data: {
        tenantId: world.tenantId,
        id,
        firstName: spec.firstName ?? null,
        lastName: spec.lastName ?? null,
        phone: spec.phone ?? null,
        lastVisitAt: spec.lastVisitAt ?? null,
        registeredAt: spec.registeredAt ?? null,
        telegramUserId: spec.telegramUserId ?? null,
        levelId: level.id,
        ...(spec.createdAt ? { createdAt: spec.createdAt } : {}),
      },
    });
  });
  return id;
}

/** Points given the way a manager does: through the engine, so the ledger and balance agree. */
async function give(world: World, guestId: string, points: number, reason = "goodwill") {
  const response = await test.app.request(
    `/api/v1/guests/${guestId}/adjustments`,
    json({ points, reason }, { ...(await bearer(world, "owner")), ...key() }),
  );
  expect(response.status).toBe(201);
}

interface ListBody {
  items: { id: string; firstName: string | null; balance: number; levelName: string | null; telegramLinked: boolean }[];
  total: number;
  page: number;
  pageSize: number;
}

async function list(world: World, query: string, role: StaffRole = "owner"): Promise<ListBody> {
  const response = await get(world, `/api/v1/guests?${query}`, role);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as ListBody;
}

const ids = (body: ListBody) => body.items.map((item) => item.id);

describe("the guests list", () => {
  let world: World;
  const g: Record<string, string> = {};
  const day = (iso: string) => new Date(iso);

  beforeAll(async () => {
    world = await buildWorld(test);
    g.anna = await addGuest(world, {
      firstName: "Анна",
      lastName: "Иванова",
      phone: "+79995550102",
      lastVisitAt: day("2026-03-10T09:00:00Z"),
      registeredAt: day("2026-01-01T00:00:00Z"),
      createdAt: day("2026-01-01T00:00:00Z"),
      telegramUserId: 91_000_001n,
    });
    g.ivan = await addGuest(world, {
      firstName: "Ivan",
      lastName: "Petrov",
      phone: "+79161234567",
      lastVisitAt: day("2026-02-01T12:00:00Z"),
      createdAt: day("2026-01-02T00:00:00Z"),
      level: "Silver",
    });
    g.olga = await addGuest(world, {
      firstName: "Olga",
      phone: "+79035550199",
      registeredAt: day("2026-01-05T00:00:00Z"),
      createdAt: day("2026-01-03T00:00:00Z"),
    });
    g.boris = await addGuest(world, {
      firstName: "Boris",
      lastName: "Annenkov",
      createdAt: day("2026-01-04T00:00:00Z"),
    });
    await give(world, g.anna, 500);
    await give(world, g.ivan, 120);
    await give(world, g.olga, 20);
  });

  it("lists every guest of the business with level, balance and whether Telegram is linked", async () => {
    const body = await list(world, "");
    expect(body.total).toBe(4);
    expect(body.items.find((item) => item.id === g.anna)).toMatchObject({
      firstName: "Анна",
      lastName: "Иванова",
      phone: "+79995550102",
      levelName: "Bronze",
      balance: 500,
      telegramLinked: true,
      lastVisitAt: "2026-03-10T09:00:00.000Z",
      registeredAt: "2026-01-01T00:00:00.000Z",
    });
    expect(body.items.find((item) => item.id === g.ivan)).toMatchObject({ levelName: "Silver", telegramLinked: false });
  });

  it("finds a guest by any part of the name, first and last in either order, ignoring case", async () => {
    expect(ids(await list(world, `q=${encodeURIComponent("Анна Иванова")}`))).toEqual([g.anna]);
    expect(ids(await list(world, `q=${encodeURIComponent("Иванова Анна")}`))).toEqual([g.anna]);
    expect(ids(await list(world, "q=petrov%20ivan"))).toEqual([g.ivan]);
    // "Ann" is in Boris Annenkov's last name; Анна is in Cyrillic
    expect(ids(await list(world, "q=ann"))).toEqual([g.boris]);
  });

  it("finds a guest by phone however it is typed", async () => {
    for (const typed of ["8 (999) 555-01-02", "+7 999 555 01 02", "79995550102", "555-01-02", "8999555"]) {
      expect(ids(await list(world, `q=${encodeURIComponent(typed)}`)), typed).toEqual([g.anna]);
    }
    // digits anywhere: both numbers with 555 01 in them
    expect(ids(await list(world, "q=55501&sort=createdAt&order=asc"))).toEqual([g.anna, g.olga]);
  });

  it("finds a guest by the 6-digit code they show, without using the code up", async () => {
    const user = { id: 91_500_001, first_name: "Coded" };
    const card = await test.app.request("/api/v1/me/card", {
      headers: { Authorization: `tma ${world.initData(user)}`, "X-Tenant": world.slug },
    });
    const { guest, identification } = (await card.json()) as {
      guest: { id: string };
      identification: { code: { code: string } };
    };
    expect(ids(await list(world, `q=${identification.code.code}`))).toEqual([guest.id]);
    // The till can still use it.
    const identify = await test.app.request(
      "/api/v1/till/identify",
      json({ code: identification.code.code }, await bearer(world, "cashier")),
    );
    expect(identify.status).toBe(200);
    // Used up now: the same search no longer finds anyone by code.
    expect((await list(world, `q=${identification.code.code}`)).total).toBe(0);
  });

  it("filters by level, balance, registration and last visit (the business's local days, both included)", async () => {
    const silver = await test.db.withTenant(world.tenantId, (tx) =>
      tx.level.findFirstOrThrow({ where: { name: "Silver" } }),
    );
    expect(ids(await list(world, `levelId=${silver.id}`))).toEqual([g.ivan]);
    expect(ids(await list(world, "balanceMin=100&balanceMax=500&sort=balance&order=desc"))).toEqual([g.anna, g.ivan]);
    expect(ids(await list(world, "balanceMax=0&q=bor"))).toEqual([g.boris]);
    expect(new Set(ids(await list(world, "registered=true")))).toEqual(new Set([g.anna, g.olga]));
    expect(ids(await list(world, "registered=false&q=ivan"))).toEqual([g.ivan]);
    // 2026-03-10 09:00 UTC is 12:00 in Moscow: inside the local day 2026-03-10
    expect(ids(await list(world, "lastVisitFrom=2026-03-10&lastVisitTo=2026-03-10"))).toEqual([g.anna]);
    expect(ids(await list(world, "lastVisitTo=2026-03-09"))).toEqual([g.ivan]);
    expect(ids(await list(world, "lastVisitFrom=2026-02-01T12:00:00Z&lastVisitTo=2026-02-01T12:00:00Z"))).toEqual([
      g.ivan,
    ]);
  });

  it("pages on the server with the total of all matches, and sorts by each key both ways", async () => {
    const first = await list(world, "sort=createdAt&order=asc&pageSize=3&page=1");
    const second = await list(world, "sort=createdAt&order=asc&pageSize=3&page=2");
    expect(first.total).toBe(5);
    expect(second.total).toBe(5);
    expect(first.pageSize).toBe(3);
    expect([...ids(first), ...ids(second)].slice(0, 4)).toEqual([g.anna, g.ivan, g.olga, g.boris]);
    expect(ids(second)).toHaveLength(2);
    expect(ids(await list(world, "sort=lastVisit&order=desc&pageSize=2"))).toEqual([g.anna, g.ivan]);
    expect(ids(await list(world, "sort=balance&order=asc&balanceMin=1"))).toEqual([g.olga, g.ivan, g.anna]);
    const byName = (await list(world, "sort=name&order=asc")).items.map((item) => item.firstName);
    expect(byName.slice(0, 4)).toEqual(["Boris", "Coded", "Ivan", "Olga"]);
  });

  it("answers bad filters with 422 naming the parameter", async () => {
    const cases: [string, string][] = [
      ["pageSize=101", "pageSize"],
      ["page=0", "page"],
      ["sort=phone", "sort"],
      ["order=up", "order"],
      ["levelId=gold", "levelId"],
      ["balanceMin=-1", "balanceMin"],
      ["balanceMin=ten", "balanceMin"],
      ["balanceMin=10&balanceMax=5", "balanceMax"],
      ["registered=yes", "registered"],
      ["lastVisitFrom=2026-02-30", "lastVisitFrom"],
      ["lastVisitFrom=2026-03-10&lastVisitTo=2026-03-01", "lastVisitTo"],
    ];
    for (const [query, field] of cases) {
      const response = await get(world, `/api/v1/guests?${query}`);
      expect(response.status, query).toBe(422);
      expect(response.headers.get("content-type")).toContain("application/problem+json");
      const problem = (await response.json()) as { errors: { path: string }[] };
      expect(
        problem.errors.map((error) => error.path),
        query,
      ).toContain(field);
    }
  });
});

describe("who may use the guests routes", () => {
  let world: World;
  let guestId: string;
  beforeAll(async () => {
    world = await buildWorld(test);
    guestId = await addGuest(world, { firstName: "Perm", phone: "+79990000001" });
  });

  const status = async (path: string, role: StaffRole, init: RequestInit = {}) =>
    (await test.app.request(path, { ...init, headers: { ...(await bearer(world, role)), ...init.headers } })).status;

  it("lets owners, admins and managers list and export, and refuses cashiers", async () => {
    for (const role of ["owner", "admin", "manager"] as const) {
      expect(await status("/api/v1/guests", role), role).toBe(200);
      expect(await status("/api/v1/guests/export.csv", role), role).toBe(200);
    }
    expect(await status("/api/v1/guests", "cashier")).toBe(403);
    expect(await status("/api/v1/guests/export.csv", "cashier")).toBe(403);
  });

  it("lets every role open a guest's page, ledger and checks; only whole-base roles see the whole phone", async () => {
    for (const role of ["owner", "admin", "manager", "cashier"] as const) {
      for (const path of [
        `/api/v1/guests/${guestId}`,
        `/api/v1/guests/${guestId}/ledger`,
        `/api/v1/guests/${guestId}/checks`,
      ]) {
        expect(await status(path, role), `${role} ${path}`).toBe(200);
      }
    }
    const asCashier = (await (await get(world, `/api/v1/guests/${guestId}`, "cashier")).json()) as Record<
      string,
      unknown
    >;
    expect(asCashier).toMatchObject({ phone: null, phoneHint: "•••• 00 01" });
    const asManager = (await (await get(world, `/api/v1/guests/${guestId}`, "manager")).json()) as Record<
      string,
      unknown
    >;
    expect(asManager).toMatchObject({ phone: "+79990000001" });
  });

  it("lets only owners and admins import", async () => {
    const upload = { method: "POST", body: "phone\n+79990000002\n", headers: { "Content-Type": "text/csv" } };
    expect(await status("/api/v1/guest-imports", "owner", upload)).toBe(202);
    expect(await status("/api/v1/guest-imports", "admin", upload)).toBe(202);
    expect(await status("/api/v1/guest-imports", "manager", upload)).toBe(403);
    expect(await status("/api/v1/guest-imports", "cashier", upload)).toBe(403);
    expect(await status("/api/v1/guest-imports", "manager")).toBe(403);
  });

  it("refuses a till session (a token from Telegram) everything here, whatever the role", async () => {
    const till = await issueStaffToken(
      { staffId: world.staff.owner.id, tenantId: world.tenantId, role: "owner", generation: 0, scope: "till" },
      test.config.auth.jwtSecret,
      new Date(),
    );
    for (const path of [
      "/api/v1/guests",
      "/api/v1/guests/export.csv",
      `/api/v1/guests/${guestId}`,
      `/api/v1/guests/${guestId}/ledger`,
      "/api/v1/guest-imports",
    ]) {
      const response = await test.app.request(path, { headers: { Authorization: `Bearer ${till}` } });
      expect(response.status, path).toBe(403);
    }
  });

  it("asks for credentials on every route", async () => {
    for (const path of [
      "/api/v1/guests",
      "/api/v1/guests/export.csv",
      `/api/v1/guests/${guestId}/checks`,
      "/api/v1/guest-imports",
    ]) {
      expect((await test.app.request(path)).status, path).toBe(401);
    }
  });

  it("never shows one business's guests or imports to another's staff", async () => {
    const other = await buildWorld(test);
    const upload = await test.app.request("/api/v1/guest-imports", {
      method: "POST",
      body: "phone\n+79990000003\n",
      headers: { ...(await bearer(world, "owner")), "Content-Type": "text/csv" },
    });
    const { id: importId } = (await upload.json()) as { id: string };
    expect((await list(other, "")).total).toBe(0);
    expect((await list(other, "q=Perm")).total).toBe(0);
    const csv = await (await get(other, "/api/v1/guests/export.csv")).text();
    expect(csv).not.toContain("Perm");
    for (const path of [
      `/api/v1/guests/${guestId}`,
      `/api/v1/guests/${guestId}/ledger`,
      `/api/v1/guests/${guestId}/checks`,
      `/api/v1/guest-imports/${importId}`,
      `/api/v1/guest-imports/${importId}/errors.csv`,
    ]) {
      expect((await get(other, path)).status, path).toBe(404);
    }
    const imports = (await (await get(other, "/api/v1/guest-imports")).json()) as { items: unknown[] };
    expect(imports.items).toEqual([]);
  });
});

describe("a guest's page", () => {
  let world: World;
  beforeAll(async () => {
    world = await buildWorld(test);
  });

  it("shows profile, level, an admin's level, balance and the points expiring within 30 days", async () => {
    const guestId = await addGuest(world, { firstName: "Page", lastName: "Guest", phone: "+79990001122" });
    await give(world, guestId, 300);
    // a lot expiring in ten days
    await test.db.withTenant(world.tenantId, (tx) =>
      tx.pointLot.updateMany({ where: { guestId }, data: { expiresAt: new Date(Date.now() + 10 * 86_400_000) } }),
    );
    const silver = await test.db.withTenant(world.tenantId, (tx) =>
      tx.level.findFirstOrThrow({ where: { name: "Silver" } }),
    );
    const until = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const manual = await test.app.request(`/api/v1/guests/${guestId}/manual-level`, {
      ...json({ levelId: silver.id, until, reason: "friend of the house" }, await bearer(world, "owner")),
      method: "PUT",
    });
    expect(manual.status).toBe(200);

    const page = (await (await get(world, `/api/v1/guests/${guestId}`)).json()) as Record<string, unknown> & {
      expiringSoon: { points: number }[];
    };
    expect(page).toMatchObject({
      id: guestId,
      firstName: "Page",
      lastName: "Guest",
      phone: "+79990001122",
      balance: 300,
      available: 300,
      level: { name: "Silver" },
      manualLevel: { id: silver.id, name: "Silver", until },
      telegramLinked: false,
      registeredAt: null,
      currency: "RUB",
    });
    expect(page.expiringSoon).toEqual([{ expiresAt: expect.any(String), points: 300 }]);
  });

  it("pages through the ledger newest first, with the reason and the staff member who made each entry", async () => {
    const guestId = await addGuest(world, { firstName: "Ledger" });
    await give(world, guestId, 10, "first");
    await give(world, guestId, 20, "second");
    await give(world, guestId, -5, "third");
    type Page = {
      items: {
        points: number;
        balanceAfter: number;
        reason: string;
        kind: string;
        actor: { name: string };
        source: string;
      }[];
      nextCursor: string | null;
    };
    const first = (await (await get(world, `/api/v1/guests/${guestId}/ledger?limit=2`)).json()) as Page;
    expect(first.items.map((item) => [item.points, item.balanceAfter, item.reason])).toEqual([
      [-5, 25, "third"],
      [20, 30, "second"],
    ]);
    expect(first.items[0]).toMatchObject({ kind: "adjust", source: "admin", actor: { name: "owner person" } });
    expect(first.nextCursor).not.toBeNull();
    const rest = (await (
      await get(world, `/api/v1/guests/${guestId}/ledger?limit=2&cursor=${first.nextCursor}`)
    ).json()) as Page;
    expect(rest.items.map((item) => item.reason)).toEqual(["first"]);
    expect(rest.nextCursor).toBeNull();
    expect((await get(world, `/api/v1/guests/${guestId}/ledger?cursor=nonsense`)).status).toBe(422);
    expect((await get(world, `/api/v1/guests/${guestId}/ledger?limit=0`)).status).toBe(422);
  });

  it("lists checks newest first with their refunds; a manager limited to one restaurant sees only its checks", async () => {
    const guestId = await addGuest(world, { firstName: "Checks" });
    const terrace = uuidv7();
    await test.db.withTenant(world.tenantId, (tx) =>
      tx.restaurant.create({ data: { tenantId: world.tenantId, id: terrace, name: "Terrace" } }),
    );
    const owner = await bearer(world, "owner");
    const accrue = async (amountMinor: number, restaurantId: string) => {
      const response = await test.app.request(
        "/api/v1/till/accruals",
        json({ guestId, amountMinor, currency: "RUB", restaurantId }, { ...owner, ...key() }),
      );
      expect(response.status).toBe(201);
      return ((await response.json()) as { checkId: string }).checkId;
    };
    const hallSale = await accrue(100_000, world.restaurantId);
    const terraceSale = await accrue(50_000, terrace);
    const refund = await test.app.request(
      "/api/v1/till/refunds",
      json({ checkId: hallSale, amountMinor: 40_000 }, { ...owner, ...key() }),
    );
    expect(refund.status).toBe(201);

    type Page = {
      items: {
        id: string;
        kind: string;
        restaurant: { name: string } | null;
        amountMinor: string;
        refunds: { amountMinor: string }[];
      }[];
    };
    const all = (await (await get(world, `/api/v1/guests/${guestId}/checks`)).json()) as Page;
    expect(all.items.map((item) => [item.kind, item.restaurant?.name, item.amountMinor])).toEqual([
      ["refund", "Main hall", "40000"],
      ["sale", "Terrace", "50000"],
      ["sale", "Main hall", "100000"],
    ]);
    expect(all.items.find((item) => item.id === hallSale)?.refunds).toEqual([
      { id: expect.any(String), amountMinor: "40000", closedAt: expect.any(String) },
    ]);

    await test.db.withTenant(world.tenantId, (tx) =>
      tx.staffRestaurant.create({
        data: { tenantId: world.tenantId, staffId: world.staff.manager.id, restaurantId: terrace },
      }),
    );
    const limited = (await (await get(world, `/api/v1/guests/${guestId}/checks`, "manager")).json()) as Page;
    expect(limited.items.map((item) => item.id)).toEqual([terraceSale]);
    // Guests are the whole business's: the limited manager still finds this one.
    expect(ids(await list(world, "q=Checks", "manager"))).toEqual([guestId]);
  });
});

describe("the CSV export", () => {
  it("writes every match as UTF-8 with a BOM, quoted as RFC 4180 says, formulas defused, and audits it", async () => {
    const world = await buildWorld(test);
    const plain = await addGuest(world, { firstName: "Пётр", lastName: "Иванов, младший", phone: "+79990002233" });
    const sneaky = await addGuest(world, {
      firstName: '=HYPERLINK("http://x")',
      lastName: 'Say "hi"',
      phone: "+79990002244",
    });
    await addGuest(world, { firstName: "Filtered", lastName: "Out" });
    await give(world, plain, 42);

    const response = await get(world, "/api/v1/guests/export.csv?q=999000&balanceMin=0", "manager");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="guests-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const lines = text.split("\r\n");
    expect(lines[0]).toBe("id,first_name,last_name,phone,level,balance,last_visit,registered,created");
    expect(lines).toHaveLength(4); // header, two guests, and the empty string after the last CRLF
    expect(lines[1]).toMatch(
      new RegExp(
        `^${plain},Пётр,"Иванов, младший",\\+79990002233,Bronze,42,,,\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$`,
      ),
    );
    expect(lines[2]).toContain(`${sneaky},"'=HYPERLINK(""http://x"")","Say ""hi""",+79990002244,Bronze,0,`);
    expect(text).not.toContain("Filtered");

    const audit = await test.db.withTenant(world.tenantId, (tx) =>
      tx.auditLogEntry.findFirstOrThrow({ where: { action: "guests.exported" } }),
    );
    expect(audit).toMatchObject({ actorStaffId: world.staff.manager.id, entityType: "guest" });
    expect(audit.changes).toEqual({ filters: { q: "999000", balanceMin: 0 } });
  });

  it("streams a large base in pages, every guest once", async () => {
    const world = await buildWorld(test);
    await test.db.withTenant(world.tenantId, (tx) =>
      tx.guest.createMany({
        data: Array.from({ length: 2_345 }, (_, n) => ({
          tenantId: world.tenantId,
          id: uuidv7(),
          firstName: `Bulk ${n}`,
          phone: `+7900${String(n).padStart(7, "0")}`,
        })),
      }),
    );
    const text = await (await get(world, "/api/v1/guests/export.csv")).text();
    const rows = text
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n")
      .slice(1);
    expect(rows).toHaveLength(2_345);
    expect(new Set(rows.map((row) => row.split(",")[0])).size).toBe(2_345);
  });

  it("refuses bad filters with 422 before writing anything", async () => {
    const world = await buildWorld(test);
    const response = await get(world, "/api/v1/guests/export.csv?balanceMin=5&balanceMax=1");
    expect(response.status).toBe(422);
    const audits = await test.db.withTenant(world.tenantId, (tx) =>
      tx.auditLogEntry.count({ where: { action: "guests.exported" } }),
    );
    expect(audits).toBe(0);
  });
});

describe("uploading a guest import", () => {
  let world: World;
  beforeAll(async () => {
    world = await buildWorld(test);
  });

  const upload = async (body: string | Uint8Array, contentType = "text/csv", query = "") =>
    test.app.request(`/api/v1/guest-imports${query}`, {
      method: "POST",
      body,
      headers: { ...(await bearer(world, "admin")), "Content-Type": contentType },
    });

  it("stores the file, queues it through the outbox, audits it and answers 202 with the import", async () => {
    const csv = "телефон;имя;баланс\n8 999 111-22-33;Анна;100\n+7 999 111 22 44;Ivan;0\n";
    const response = await upload(csv, "text/csv; charset=utf-8", "?fileName=clients.csv");
    expect(response.status).toBe(202);
    const created = (await response.json()) as { id: string; status: string };
    expect(created.status).toBe("queued");

    const view = (await (await get(world, `/api/v1/guest-imports/${created.id}`, "admin")).json()) as Record<
      string,
      unknown
    >;
    expect(view).toMatchObject({
      id: created.id,
      fileName: "clients.csv",
      status: "queued",
      totalRows: 2,
      processedRows: 0,
      createdRows: 0,
      updatedRows: 0,
      failedRows: 0,
      errors: [],
      errorsTruncated: false,
      createdBy: { id: world.staff.admin.id, name: "admin person" },
      finishedAt: null,
    });
    const listed = (await (await get(world, "/api/v1/guest-imports", "owner")).json()) as { items: { id: string }[] };
    expect(listed.items.map((item) => item.id)).toContain(created.id);

    const stored = await test.db.withTenant(world.tenantId, async (tx) => ({
      row: await tx.guestImport.findUniqueOrThrow({
        where: { tenantId_id: { tenantId: world.tenantId, id: created.id } },
      }),
      events: await tx.outboxEvent.findMany({ where: { type: "guest_import.queued" } }),
      audit: await tx.auditLogEntry.findFirstOrThrow({ where: { action: "guests.import", entityId: created.id } }),
    }));
    expect(stored.row.source).toBe(csv);
    expect(stored.events.map((event) => event.payload)).toContainEqual({ importId: created.id });
    expect(stored.audit).toMatchObject({ actorStaffId: world.staff.admin.id, entityType: "guest_import" });

    const report = await get(world, `/api/v1/guest-imports/${created.id}/errors.csv`, "admin");
    expect(report.status).toBe(200);
    // (Response.text() would drop the BOM: read the bytes)
    expect(Buffer.from(await report.arrayBuffer()).toString("utf8")).toBe("\uFEFFrow,field,message\r\n");
  });

  it("reads a Windows-1251 file as Excel in Russian saves it", async () => {
    // "телефон,имя\n89991112255,Анна\n" in Windows-1251
    const cp1251 = new Uint8Array([
      0xf2, 0xe5, 0xeb, 0xe5, 0xf4, 0xee, 0xed, 0x2c, 0xe8, 0xec, 0xff, 0x0a, 0x38, 0x39, 0x39, 0x39, 0x31, 0x31, 0x31,
      0x32, 0x32, 0x35, 0x35, 0x2c, 0xc0, 0xed, 0xed, 0xe0, 0x0a,
    ]);
    const response = await upload(cp1251);
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    const row = await test.db.withTenant(world.tenantId, (tx) =>
      tx.guestImport.findUniqueOrThrow({ where: { tenantId_id: { tenantId: world.tenantId, id } } }),
    );
    expect(row.source).toBe("телефон,имя\n89991112255,Анна\n");
  });

  it("refuses a file larger than 5 MB with 413 problem+json", async () => {
    const big = `phone\n${"+79991234567\n".repeat(Math.ceil((5 * 1024 * 1024) / 13) + 1)}`;
    const response = await upload(big);
    expect(response.status).toBe(413);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    expect(((await response.json()) as { code: string }).code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("refuses with 422 a file nothing can be imported from, saying why", async () => {
    const cases: [string, RegExp][] = [
      ["", /empty/],
      ["phone,first_name\n", /header row and no guests/],
      ["имя,фамилия\nАнна,Иванова\n", /no phone column/],
      ["phone,телефон\n1,2\n", /both mean phone/],
      ['phone,name\n"+7999,open\n', /not valid CSV/],
    ];
    for (const [body, detail] of cases) {
      const response = await upload(body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(((await response.json()) as { detail: string }).detail).toMatch(detail);
    }
    const wrongType = await upload('{"phone":"+79991234567"}', "application/json");
    expect(wrongType.status).toBe(422);
    expect(((await wrongType.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe("Content-Type");
    const badName = await upload("phone\n+79991234567\n", "text/csv", "?fileName=..%2Fetc%2Fpasswd");
    expect(badName.status).toBe(422);
    expect(((await badName.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe("fileName");
  });

  it("answers 404 for an import that does not exist", async () => {
    expect((await get(world, `/api/v1/guest-imports/${randomUUID()}`, "admin")).status).toBe(404);
  });
});
