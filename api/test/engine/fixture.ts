// A tenant with a loyalty program, three levels, a restaurant, a cashier and a manager, verbs
// bound to a clock the test moves, and a check of every ledger invariant for a guest.
import { randomUUID } from "node:crypto";
import { createDb, type Db } from "@maxl/db";
import { createTestTenant, testServices } from "@maxl/db/testing";
import type { OperationResult } from "@maxl/shared";
import { uuidv7 } from "uuidv7";
import { type Actor, createEngineDeps, type EngineDeps } from "../../src/core/context.ts";
import { adjustPoints } from "../../src/core/loyalty/adjust-points.ts";
import type { Outcome } from "../../src/core/loyalty/idempotency.ts";
import { createRedis, redisReady } from "../../src/runtime/redis.ts";

export interface ProgramOverrides {
  earnRateBps?: number;
  maxRedeemShareBps?: number;
  roundingMode?: "floor" | "half_up" | "ceil";
  pointValueMinor?: number;
  pointsLifetimeDays?: number | null;
  expiryReminderDays?: number;
  birthdayBonusPoints?: number;
  birthdayDaysBefore?: number;
  birthdayDaysAfter?: number;
  minCheckMinor?: bigint;
  levelWindowDays?: number | null;
  levelDowngradeGraceDays?: number;
}

export interface EngineFixture {
  deps: EngineDeps;
  db: Db;
  tenantId: string;
  restaurantId: string;
  levels: { bronze: string; silver: string; gold: string };
  cashier: Actor;
  otherCashier: Actor;
  manager: Actor;
  clock: { now: Date };
  advance(ms: number): void;
  advanceDays(days: number): void;
  newGuest(fields?: { birthday?: Date; phone?: string }): Promise<string>;
  /** points by a manager's adjustment: an opening balance for a test */
  give(guestId: string, points: number): Promise<Outcome<OperationResult>>;
  key(): string;
  balance(guestId: string): Promise<number>;
  /** every ledger invariant for the guest; returns the problems found */
  invariants(guestId: string): Promise<string[]>;
  close(): Promise<void>;
}

export const DAY = 86_400_000;

export async function engineFixture(
  program: ProgramOverrides = {},
  options: { timeZone?: string; start?: Date } = {},
): Promise<EngineFixture> {
  const services = testServices();
  const db = createDb({ url: services.appUrl });
  const redis = createRedis({ url: services.redisUrl, kind: "command", name: "engine-test" });
  await redisReady(redis);
  const clock = { now: options.start ?? new Date("2026-03-02T09:00:00Z") };
  const tenant = await createTestTenant(db, "Engine tenant");
  const tenantId = tenant.id;
  const restaurantId = uuidv7();
  const levels = { bronze: uuidv7(), silver: uuidv7(), gold: uuidv7() };
  const staff = { cashier: uuidv7(), other: uuidv7(), manager: uuidv7() };
  await db.withTenant(tenantId, async (tx) => {
    if (options.timeZone) await tx.tenant.update({ where: { id: tenantId }, data: { timeZone: options.timeZone } });
    await tx.loyaltyProgram.create({ data: { tenantId, ...program } });
    await tx.level.createMany({
      data: [
        { tenantId, id: levels.bronze, name: "Bronze", rank: 0, thresholdMinor: 0n, earnRateBps: 500 },
        { tenantId, id: levels.silver, name: "Silver", rank: 1, thresholdMinor: 1_000_000n, earnRateBps: 700 },
        { tenantId, id: levels.gold, name: "Gold", rank: 2, thresholdMinor: 5_000_000n, earnRateBps: 1000 },
      ],
    });
    await tx.restaurant.create({ data: { tenantId, id: restaurantId, name: "Main" } });
    await tx.staffUser.createMany({
      data: [
        { tenantId, id: staff.cashier, email: `c-${staff.cashier}@x.test`, name: "Cashier", role: "cashier" },
        { tenantId, id: staff.other, email: `o-${staff.other}@x.test`, name: "Other cashier", role: "cashier" },
        { tenantId, id: staff.manager, email: `m-${staff.manager}@x.test`, name: "Manager", role: "manager" },
      ],
    });
  });
  const deps: EngineDeps = createEngineDeps({
    db,
    redis,
    clock: () => clock.now,
    settings: { redisPrefix: `test:${randomUUID()}` },
  });
  const manager: Actor = { source: "admin", staffId: staff.manager, role: "manager" };
  let guestCount = 0;
  return {
    deps,
    db,
    tenantId,
    restaurantId,
    levels,
    cashier: { source: "cashier", staffId: staff.cashier, role: "cashier" },
    otherCashier: { source: "cashier", staffId: staff.other, role: "cashier" },
    manager,
    clock,
    advance: (ms) => {
      clock.now = new Date(clock.now.getTime() + ms);
    },
    advanceDays: (days) => {
      clock.now = new Date(clock.now.getTime() + days * DAY);
    },
    async newGuest(fields = {}) {
      const id = uuidv7();
      guestCount += 1;
      await db.withTenant(tenantId, (tx) =>
        tx.guest.create({
          data: {
            tenantId,
            id,
            firstName: `Guest ${guestCount}`,
            levelId: levels.bronze,
            consentAt: clock.now,
            birthday: fields.birthday ?? null,
            phone: fields.phone ?? null,
            telegramUserId: BigInt(Date.now()) * 100n + BigInt(guestCount),
          },
        }),
      );
      return id;
    },
    give: (guestId, points) =>
      adjustPoints(deps, {
        tenantId,
        actor: manager,
        idempotencyKey: `give-${randomUUID()}`,
        input: { guestId, points, reason: "opening balance" },
      }),
    key: () => `test-${randomUUID()}`,
    async balance(guestId) {
      const guest = await db.withTenant(tenantId, (tx) =>
        tx.guest.findUniqueOrThrow({ where: { tenantId_id: { tenantId, id: guestId } } }),
      );
      return guest.balance;
    },
    async invariants(guestId) {
      return db.withTenant(tenantId, async (tx) => {
        const rows = await tx.$queryRaw<{ problem: string }[]>`
          SELECT 'balance ' || g.balance || ' <> ledger sum ' || coalesce(e.sum, 0) AS problem
            FROM guests g LEFT JOIN (SELECT sum(points) AS sum FROM ledger_entries WHERE guest_id = ${guestId}::uuid) e ON true
           WHERE g.id = ${guestId}::uuid AND g.balance <> coalesce(e.sum, 0)
          UNION ALL
          SELECT 'balance ' || g.balance || ' <> lots ' || coalesce(l.sum, 0)
            FROM guests g LEFT JOIN (SELECT sum(remaining_points) AS sum FROM point_lots WHERE guest_id = ${guestId}::uuid) l ON true
           WHERE g.id = ${guestId}::uuid AND g.balance <> coalesce(l.sum, 0)
          UNION ALL
          SELECT 'lot ' || l.id || ' remaining ' || l.remaining_points || ' <> movements ' || m.sum
            FROM point_lots l JOIN (SELECT lot_id, sum(points) AS sum FROM lot_movements GROUP BY lot_id) m ON m.lot_id = l.id
           WHERE l.guest_id = ${guestId}::uuid AND l.remaining_points <> m.sum
          UNION ALL
          SELECT 'operation ' || o.id || ' entries ' || coalesce(e.sum, 0) || ' <> movements ' || coalesce(m.sum, 0)
            FROM loyalty_operations o
            LEFT JOIN (SELECT operation_id, sum(points) AS sum FROM ledger_entries GROUP BY operation_id) e ON e.operation_id = o.id
            LEFT JOIN (SELECT operation_id, sum(points) AS sum FROM lot_movements GROUP BY operation_id) m ON m.operation_id = o.id
           WHERE o.guest_id = ${guestId}::uuid AND coalesce(e.sum, 0) <> coalesce(m.sum, 0)
          UNION ALL
          SELECT 'entry ' || id || ' balance_after ' || balance_after || ' <> running ' || running
            FROM (SELECT id, balance_after, sum(points) OVER (ORDER BY created_at, id) AS running
                    FROM ledger_entries WHERE guest_id = ${guestId}::uuid) r
           WHERE balance_after <> running`;
        return rows.map((row) => row.problem);
      });
    },
    async close() {
      await db.close();
      redis.disconnect();
    },
  };
}
