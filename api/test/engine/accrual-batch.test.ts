// accruePointsTogether (the POS's batch crediting) against accruePoints: the same checks on two
// tenants with the same program and the same clock, one check at a time on one and in batches on
// the other, must leave the same rows everywhere (operations, checks, lots, movements, ledger,
// outbox, guests), ids aside.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineDeps } from "../../src/core/context.ts";
import { type AccrueRequest, accrualHash, accruePoints } from "../../src/core/loyalty/accrue-points.ts";
import { accruePointsTogether } from "../../src/core/loyalty/accrue-points-batch.ts";
import { type EngineFixture, engineFixture } from "./fixture.ts";

const program = { pointsLifetimeDays: 30, minCheckMinor: 10_000n, levelWindowDays: 90 };
const start = new Date("2026-03-02T09:00:00Z");
let single: EngineFixture;
let batched: EngineFixture;
beforeAll(async () => {
  [single, batched] = await Promise.all([
    engineFixture(program, { timeZone: "Europe/Moscow", start }),
    engineFixture(program, { timeZone: "Europe/Moscow", start }),
  ]);
});
afterAll(() => Promise.all([single.close(), batched.close()]));

interface Sale {
  guest: number;
  amountMinor: bigint;
  key: string;
  restaurant?: boolean;
}

function request(f: EngineFixture, guests: string[], sale: Sale): AccrueRequest {
  return {
    tenantId: f.tenantId,
    actor: { source: "pos" },
    idempotencyKey: sale.key,
    input: {
      guestId: guests[sale.guest] ?? "",
      amountMinor: sale.amountMinor,
      currency: "RUB",
      ...(sale.restaurant ? { restaurantId: f.restaurantId } : {}),
      externalId: sale.key,
      closedAt: new Date(start.getTime() - 60_000),
      items: [{ name: "Бизнес-ланч", quantity: 1, amountMinor: Number(sale.amountMinor) }],
    },
  };
}

async function together(f: EngineFixture, requests: AccrueRequest[]) {
  return f.db.withTenantClient(f.tenantId, (client) => {
    const joined: EngineDeps = { ...f.deps, db: { ...f.deps.db, withTenantClient: (_id, work) => work(client) } };
    return accruePointsTogether(joined, client, f.tenantId, requests);
  });
}

/**
 * Every row the accruals touched, with the tenant's own ids replaced by names that mean the same
 * on both tenants: guests by number, levels and the restaurant by name, operations, checks and
 * lots by the idempotency key they belong to.
 */
async function snapshot(f: EngineFixture, guests: string[], requests: AccrueRequest[]) {
  const rows = await f.db.withTenantClient(f.tenantId, async (client) => {
    const read = async (sql: string) => (await client.query(sql)).rows;
    return {
      operations: await read(
        "SELECT id, idempotency_key, request_hash, kind, source, guest_id, check_id, actor_staff_id, result, created_at FROM loyalty_operations ORDER BY idempotency_key",
      ),
      checks: await read(
        "SELECT id, kind, source, restaurant_id, guest_id, integration_id, external_id, refund_of_id, amount_minor, paid_minor, points_redeemed, currency, closed_at, items, created_at FROM checks ORDER BY external_id",
      ),
      lots: await read(
        "SELECT l.id, l.guest_id, l.check_id, l.initial_points, l.remaining_points, l.expires_at, l.created_at FROM point_lots l LEFT JOIN checks c ON c.id = l.check_id ORDER BY c.external_id NULLS FIRST, l.initial_points",
      ),
      movements: await read(
        "SELECT m.operation_id, m.lot_id, m.points, m.created_at FROM lot_movements m JOIN loyalty_operations o ON o.id = m.operation_id ORDER BY o.idempotency_key",
      ),
      ledger: await read(
        "SELECT e.created_at, e.guest_id, e.operation_id, e.check_id, e.kind, e.points, e.balance_after, e.source, e.actor_staff_id, e.reason FROM ledger_entries e JOIN loyalty_operations o ON o.id = e.operation_id ORDER BY o.idempotency_key",
      ),
      outbox: await read(
        "SELECT type, payload, dedupe_key, created_at FROM outbox_events ORDER BY type, payload->>'operationId', payload::text",
      ),
      guests: await read(
        "SELECT id, balance, level_id, level_changed_at, manual_level_id, manual_level_until, level_downgrade_due_at, last_visit_at, updated_at FROM guests ORDER BY id",
      ),
    };
  });
  const names = new Map<string, string>([
    [f.tenantId, "tenant"],
    [f.restaurantId, "restaurant"],
    [f.levels.bronze, "bronze"],
    [f.levels.silver, "silver"],
    [f.levels.gold, "gold"],
  ]);
  for (const [index, id] of guests.entries()) names.set(id, `guest ${index}`);
  // Request hashes cover the guest's id, so they are compared with what each side was asked.
  const hashes = new Map(requests.map((sent) => [sent.idempotencyKey, accrualHash(sent)]));
  for (const operation of rows.operations) {
    if (operation.idempotency_key.startsWith("give-")) operation.idempotency_key = "opening balance";
    operation.request_hash =
      operation.kind === "accrual" && operation.request_hash === hashes.get(operation.idempotency_key)
        ? "the request's"
        : operation.kind === "accrual"
          ? "another request's"
          : "adjustment";
    names.set(operation.id, `operation ${operation.idempotency_key}`);
    if (operation.check_id) names.set(operation.check_id, `check ${operation.idempotency_key}`);
  }
  for (const lot of rows.lots) {
    names.set(lot.id, lot.check_id ? `lot of ${names.get(lot.check_id)}` : `opening lot of ${names.get(lot.guest_id)}`);
  }
  names.set(f.manager.staffId ?? "", "manager");
  const text = JSON.stringify(rows, (_key, value) => (typeof value === "bigint" ? value.toString() : value));
  return JSON.parse(
    text.replace(
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
      (id) => names.get(id) ?? `unknown ${id}`,
    ),
  );
}

describe("accruePointsTogether", () => {
  it("writes exactly what accruePoints writes check by check, and leaves a guest's second check to it", async () => {
    const singleGuests: string[] = [];
    const batchedGuests: string[] = [];
    for (let n = 0; n < 5; n++) {
      singleGuests.push(await single.newGuest());
      batchedGuests.push(await batched.newGuest());
    }
    // An opening balance, so running balances start above zero for one guest.
    await single.give(singleGuests[1] ?? "", 40);
    await batched.give(batchedGuests[1] ?? "", 40);

    const rounds: Sale[][] = [
      [
        { guest: 0, amountMinor: 150_000n, key: "pos:a-1", restaurant: true },
        { guest: 1, amountMinor: 9_999n, key: "pos:a-2" }, // below the minimum: no points, a visit
        { guest: 2, amountMinor: 1_200_000n, key: "pos:a-3" }, // crosses Silver
        { guest: 3, amountMinor: 60_000n, key: "pos:a-4" },
        // the same guest again: not taken by the batch, credited after it by accruePoints
        { guest: 3, amountMinor: 70_000n, key: "pos:a-5" },
      ],
      [
        { guest: 2, amountMinor: 4_000_000n, key: "pos:b-1" }, // Silver rate, crosses Gold
        { guest: 4, amountMinor: 25_000n, key: "pos:b-2", restaurant: true },
        { guest: 0, amountMinor: 50_000n, key: "pos:b-3" },
        { guest: 1, amountMinor: 333_333n, key: "pos:b-4" },
      ],
    ];
    const sent = { single: [] as AccrueRequest[], batched: [] as AccrueRequest[] };
    for (const round of rounds) {
      for (const sale of round) {
        sent.single.push(request(single, singleGuests, sale));
        sent.batched.push(request(batched, batchedGuests, sale));
        await accruePoints(single.deps, request(single, singleGuests, sale));
      }

      const requests = round.map((sale) => request(batched, batchedGuests, sale));
      const outcomes = await together(batched, requests);
      const left = round.filter((_, index) => outcomes[index] === null);
      for (const sale of left) await accruePoints(batched.deps, request(batched, batchedGuests, sale));
      expect(left.map((sale) => sale.key)).toEqual(round === rounds[0] ? ["pos:a-5"] : []);
      single.advance(3_600_000);
      batched.advance(3_600_000);
    }

    const expected = await snapshot(single, singleGuests, sent.single);
    expect(expected.operations).toHaveLength(10); // nine accruals and the opening balance
    expect(expected.outbox.map((event: { type: string }) => event.type)).toContain("level.changed");
    expect(expected.operations.map((operation: { request_hash: string }) => operation.request_hash)).not.toContain(
      "another request's",
    );
    expect(await snapshot(batched, batchedGuests, sent.batched)).toEqual(expected);
    for (const guestId of batchedGuests) expect(await batched.invariants(guestId)).toEqual([]);
  });

  it("answers a key already used with null, so the caller replays it through accruePoints", async () => {
    const guestId = await batched.newGuest();
    const sale = { guest: 0, amountMinor: 100_000n, key: "pos:replay" };
    const first = await together(batched, [request(batched, [guestId], sale)]);
    expect(first[0]).toMatchObject({ replayed: false, result: { earned: 50 } });
    expect(await together(batched, [request(batched, [guestId], sale)])).toEqual([null]);
    const replay = await accruePoints(batched.deps, request(batched, [guestId], sale));
    expect(replay).toMatchObject({ replayed: true, result: { operationId: first[0]?.result.operationId } });
    expect(await batched.balance(guestId)).toBe(50);
  });

  it("refuses the whole batch when the engine would refuse one of its checks, writing nothing", async () => {
    const guests = [await batched.newGuest(), await batched.newGuest()];
    const good = request(batched, guests, { guest: 0, amountMinor: 100_000n, key: "pos:c-1" });
    const foreign = request(batched, guests, { guest: 1, amountMinor: 100_000n, key: "pos:c-2" });
    foreign.input.currency = "EUR";
    await expect(together(batched, [good, foreign])).rejects.toMatchObject({ code: "VALIDATION" });
    expect(await batched.balance(guests[0] ?? "")).toBe(0);
  });
});
