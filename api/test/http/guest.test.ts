// The Mini App's calls, authenticated by Telegram launch data signed with the tenant's bot token.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support.ts";
import { buildWorld, json, key, type World } from "./world.ts";

let test: TestApp;
let world: World;
const clock = { now: new Date() };
beforeAll(async () => {
  test = await createTestApp({ clock: () => clock.now });
  world = await buildWorld(test, () => clock.now);
});
afterAll(() => test.close());

const asGuest = (path: string, initData: string, slug = world.slug) =>
  test.app.request(path, { headers: { Authorization: `tma ${initData}`, "X-Tenant": slug } });

describe("the guest's card", () => {
  it("creates the guest on the first visit and shows balance, level, progress and live codes", async () => {
    const user = { id: 5_550_001, first_name: "Анна", language_code: "ru" };
    const response = await asGuest("/api/v1/me/card", world.initData(user));
    expect(response.status).toBe(200);
    const card = (await response.json()) as Record<string, unknown> & {
      identification: { qr: { token: string }; code: { code: string } };
    };
    expect(card).toMatchObject({
      guest: { firstName: "Анна", locale: "ru" },
      balance: 0,
      level: { name: "Bronze" },
      nextLevel: { name: "Silver", remainingMinor: "1000000" },
      progress: 0,
      tenant: { currency: "RUB" },
    });
    expect(card.identification.qr.token).toMatch(/^mlq_/);
    expect(card.identification.code.code).toMatch(/^\d{6}$/);
    // The same user again is the same guest.
    const again = (await (await asGuest("/api/v1/me/card", world.initData(user))).json()) as { guest: { id: string } };
    expect(again.guest.id).toBe((card.guest as { id: string }).id);
  });

  it("keeps the QR while it has time left and rotates it before it lapses; the old one then stops working", async () => {
    const user = { id: 5_550_002, first_name: "Ivan", language_code: "en" };
    const first = (await (await asGuest("/api/v1/me/identification", world.initData(user))).json()) as {
      qr: { token: string };
    };
    const same = (await (await asGuest("/api/v1/me/identification", world.initData(user))).json()) as {
      qr: { token: string };
    };
    expect(same.qr.token).toBe(first.qr.token);
    clock.now = new Date(clock.now.getTime() + 50_000);
    const rotated = (await (await asGuest("/api/v1/me/identification", world.initData(user))).json()) as {
      qr: { token: string };
    };
    expect(rotated.qr.token).not.toBe(first.qr.token);
    const cashier = await world.tokenFor("cashier");
    const stale = await test.app.request(
      "/api/v1/till/identify",
      json({ qrToken: first.qr.token }, { Authorization: `Bearer ${cashier}` }),
    );
    expect(stale.status).toBe(404);
    const fresh = await test.app.request(
      "/api/v1/till/identify",
      json({ qrToken: rotated.qr.token }, { Authorization: `Bearer ${cashier}` }),
    );
    expect(fresh.status).toBe(200);
  });

  it("pages through the history, newest first", async () => {
    const user = { id: 5_550_003, first_name: "Olga" };
    const card = (await (await asGuest("/api/v1/me/card", world.initData(user))).json()) as { guest: { id: string } };
    const cashier = await world.tokenFor("cashier");
    for (const amount of [10_000, 20_000, 30_000]) {
      const response = await test.app.request(
        "/api/v1/till/accruals",
        json(
          { guestId: card.guest.id, amountMinor: amount, currency: "RUB", restaurantId: world.restaurantId },
          { Authorization: `Bearer ${cashier}`, ...key() },
        ),
      );
      expect(response.status).toBe(201);
      clock.now = new Date(clock.now.getTime() + 60_000);
    }
    const page1 = (await (await asGuest("/api/v1/me/history?limit=2", world.initData(user))).json()) as {
      items: { points: number; amountMinor: string; restaurant: string }[];
      nextCursor: string;
    };
    expect(page1.items.map((item) => item.points)).toEqual([15, 10]);
    expect(page1.items[0]).toMatchObject({ amountMinor: "30000", restaurant: "Main hall" });
    const page2 = (await (
      await asGuest(`/api/v1/me/history?limit=2&cursor=${page1.nextCursor}`, world.initData(user))
    ).json()) as {
      items: { points: number }[];
      nextCursor: string | null;
    };
    expect(page2).toEqual({ items: [expect.objectContaining({ points: 5 })], nextCursor: null });
    const levels = (await (await asGuest("/api/v1/me/levels", world.initData(user))).json()) as {
      levels: { name: string; current: boolean }[];
      spendMinor: string;
    };
    expect(levels).toMatchObject({
      spendMinor: "60000",
      levels: [
        { name: "Bronze", current: true },
        { name: "Silver", current: false },
      ],
    });
  });

  it("refuses forged, expired and foreign launch data with a screen-ready reason", async () => {
    const user = { id: 5_550_004, first_name: "Eve" };
    const forged = world.initData(user).replace("Eve", "Mallory");
    const cases: [string, string | undefined, RegExp][] = [
      [forged, undefined, /not valid for this restaurant/],
      [world.initData(user, new Date(clock.now.getTime() - 2 * 3600_000)), undefined, /too old/],
      ["user=%7B%7D", undefined, /missing or damaged/],
      [world.initData(user), "no-such-tenant", /not known/],
    ];
    for (const [initData, slug, reason] of cases) {
      const response = await asGuest("/api/v1/me/card", initData, slug);
      expect(response.status).toBe(401);
      expect(((await response.json()) as { detail: string }).detail).toMatch(reason);
    }
  });

  it("does not accept one tenant's launch data at another tenant", async () => {
    const other = await buildWorld(test, () => clock.now);
    const response = await asGuest("/api/v1/me/card", world.initData({ id: 5_550_005 }), other.slug);
    expect(response.status).toBe(401);
  });
});
