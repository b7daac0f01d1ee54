import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accruePoints } from "../../src/core/loyalty/accrue-points.ts";
import { grantBirthdayBonuses } from "../../src/core/loyalty/birthday-bonuses.ts";
import { expireDueLots } from "../../src/core/loyalty/expire-lots.ts";
import { redeemPoints } from "../../src/core/loyalty/redeem-points.ts";
import { remindExpiringPoints } from "../../src/core/loyalty/remind-expiring.ts";
import { type EngineFixture, engineFixture } from "./fixture.ts";

describe("expiry", () => {
  let f: EngineFixture;
  beforeAll(async () => {
    f = await engineFixture({ pointsLifetimeDays: 10, expiryReminderDays: 3 }, { timeZone: "Europe/Moscow" });
  });
  afterAll(() => f.close());

  it("removes exactly what is left of each lot at its local midnight, and a second run changes nothing", async () => {
    f.clock.now = new Date("2026-05-01T08:00:00Z");
    const guestId = await f.newGuest();
    const lot = await f.give(guestId, 100);
    expect(lot.result.expiresAt).toBe("2026-05-11T21:00:00.000Z"); // Moscow midnight starting 12 May
    f.clock.now = new Date("2026-05-02T08:00:00Z"); // a day later, so what this check earns expires a day later
    await redeemPoints(f.deps, {
      tenantId: f.tenantId,
      actor: f.cashier,
      idempotencyKey: f.key(),
      input: { guestId, amountMinor: 100_000n, currency: "RUB", points: 30 },
    });
    const balanceBefore = await f.balance(guestId);

    f.clock.now = new Date("2026-05-11T20:59:59Z");
    expect((await expireDueLots(f.deps, f.tenantId)).points).toBe(0);

    f.clock.now = new Date("2026-05-11T21:05:00Z");
    const run = await expireDueLots(f.deps, f.tenantId);
    expect(run).toEqual({ guests: 1, points: 70 });
    // the points earned on the redemption check expire later
    expect(await f.balance(guestId)).toBe(balanceBefore - 70);
    expect(await expireDueLots(f.deps, f.tenantId)).toEqual({ guests: 0, points: 0 });
    expect(await f.invariants(guestId)).toEqual([]);
    const event = await f.db.withTenant(f.tenantId, (tx) =>
      tx.outboxEvent.findFirst({ where: { type: "points.expired" } }),
    );
    expect(event?.payload).toMatchObject({ guestId, points: 70 });
  });

  it("reminds once per guest and expiry, the configured days ahead, with the last day to use them", async () => {
    f.clock.now = new Date("2026-06-01T08:00:00Z");
    const guestId = await f.newGuest();
    await f.give(guestId, 40);
    await f.give(guestId, 2);
    f.clock.now = new Date("2026-06-07T08:00:00Z"); // expiry 11 June 21:00 UTC is 4.5 days away
    expect(await remindExpiringPoints(f.deps, f.tenantId)).toBe(0);
    f.clock.now = new Date("2026-06-09T08:00:00Z");
    expect(await remindExpiringPoints(f.deps, f.tenantId)).toBeGreaterThanOrEqual(1);
    expect(await remindExpiringPoints(f.deps, f.tenantId)).toBe(0);
    const reminders = await f.db.withTenant(f.tenantId, (tx) =>
      tx.outboxEvent.findMany({ where: { type: "points.expiring", payload: { path: ["guestId"], equals: guestId } } }),
    );
    expect(reminders.map((event) => event.payload)).toEqual([
      expect.objectContaining({ points: 42, expiresAt: "2026-06-11T21:00:00.000Z", lastDay: "2026-06-11" }),
    ]);
  });
});

describe("birthday bonus", () => {
  let f: EngineFixture;
  beforeAll(async () => {
    f = await engineFixture(
      { birthdayBonusPoints: 300, birthdayDaysBefore: 2, birthdayDaysAfter: 1 },
      { timeZone: "UTC" },
    );
  });
  afterAll(() => f.close());

  it("grants once a year within the window around the birthday", async () => {
    const guestId = await f.newGuest({ birthday: new Date("1990-07-15T00:00:00Z") });
    f.clock.now = new Date("2026-07-12T10:00:00Z");
    expect(await grantBirthdayBonuses(f.deps, f.tenantId)).toBe(0);
    f.clock.now = new Date("2026-07-13T10:00:00Z");
    expect(await grantBirthdayBonuses(f.deps, f.tenantId)).toBe(1);
    f.clock.now = new Date("2026-07-16T10:00:00Z");
    expect(await grantBirthdayBonuses(f.deps, f.tenantId)).toBe(0);
    expect(await f.balance(guestId)).toBe(300);
    f.clock.now = new Date("2027-07-14T10:00:00Z");
    expect(await grantBirthdayBonuses(f.deps, f.tenantId)).toBe(1);
    expect(await f.balance(guestId)).toBe(600);
  });

  it("celebrates 29 February on 28 February in other years", async () => {
    const guestId = await f.newGuest({ birthday: new Date("2000-02-29T00:00:00Z") });
    f.clock.now = new Date("2027-03-01T10:00:00Z"); // the day after 28 February 2027
    expect(await grantBirthdayBonuses(f.deps, f.tenantId)).toBe(1);
    expect(await f.balance(guestId)).toBe(300);
  });
});

describe("accrual timestamps", () => {
  it("records the check's own closing time when a POS sends one", async () => {
    const f = await engineFixture();
    try {
      const guestId = await f.newGuest();
      const closedAt = new Date(f.clock.now.getTime() - 3_600_000);
      const { result } = await accruePoints(f.deps, {
        tenantId: f.tenantId,
        actor: { source: "pos" },
        idempotencyKey: f.key(),
        input: { guestId, amountMinor: 10_000n, currency: "RUB", closedAt, externalId: "pos-1" },
      });
      const check = await f.db.withTenant(f.tenantId, (tx) =>
        tx.check.findFirstOrThrow({ where: { id: result.checkId ?? "" } }),
      );
      expect(check.closedAt).toEqual(closedAt);
      expect(check.source).toBe("pos");
    } finally {
      await f.close();
    }
  });
});
