// A batch of POS events with everything that can be in one, processed in one call: plain sales are
// credited together (accruePointsTogether), and a guest's second sale, a sale already credited
// (a replay), a refund and an unknown guest go through the verbs one by one in the same
// transaction; every event settles as it would alone, and the ledger adds up.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngineDeps, type EngineDeps } from "../../src/core/context.ts";
import { processPosEvents } from "../../src/core/pos/process-event.ts";
import { buildWorld, type World } from "../http/world.ts";
import { createTestApp, type TestApp } from "../support.ts";
import { addGuest, balanceOf, type Connected, connectIntegration, inbox, postCheck, saleCheck } from "./pos-support.ts";

let test: TestApp;
let world: World;
let pos: Connected;
let engine: EngineDeps;
const prefix = `test:${randomUUID()}`;

beforeAll(async () => {
  test = await createTestApp({ redisPrefix: prefix });
  world = await buildWorld(test);
  engine = createEngineDeps({
    db: test.db,
    redis: test.redis,
    clock: () => new Date(),
    settings: { redisPrefix: prefix },
  });
  pos = await connectIntegration(test, world, { kind: "generic", name: "Bar till", restaurantId: world.restaurantId });
});
afterAll(() => test.close());

async function send(...checks: ReturnType<typeof saleCheck>[]): Promise<string[]> {
  for (const check of checks) expect((await postCheck(test, pos.integrationId, pos.secret, check)).status).toBe(202);
  const rows = await inbox(test, world.tenantId, pos.integrationId);
  return checks.map((check) => rows.find((row) => row.event_id === check.externalId)?.id ?? "");
}

const statuses = async (ids: string[]) => {
  const rows = await inbox(test, world.tenantId, pos.integrationId);
  return ids.map((id) => rows.find((row) => row.id === id)?.status);
};

async function ledgerProblems(guestId: string): Promise<string[]> {
  return test.db.withTenantClient(world.tenantId, async (client) => {
    const { rows } = await client.query<{ problem: string }>(
      `SELECT 'balance ' || g.balance || ' <> ledger ' || coalesce((SELECT sum(points) FROM ledger_entries
                WHERE guest_id = g.id), 0) || ' or lots ' || coalesce((SELECT sum(remaining_points) FROM point_lots
                WHERE guest_id = g.id), 0) AS problem
         FROM guests g
        WHERE g.id = $1
          AND (g.balance <> coalesce((SELECT sum(points) FROM ledger_entries WHERE guest_id = g.id), 0)
               OR g.balance <> coalesce((SELECT sum(remaining_points) FROM point_lots WHERE guest_id = g.id), 0))`,
      [guestId],
    );
    return rows.map((row) => row.problem);
  });
}

describe("a POS batch credited together", () => {
  it("settles sales, a second sale of a guest, a replay, a refund and an unknown guest in one call", async () => {
    const [anna, boris, vera] = [
      await addGuest(test, world.tenantId, "+79000000301"),
      await addGuest(test, world.tenantId, "+79000000302"),
      await addGuest(test, world.tenantId, "+79000000303"),
    ];
    // Earlier: Vera's sale (to be refunded), and Boris's sale that will be handed over again.
    const veraSale = saleCheck({ amountMinor: 60_000, guest: { phone: "+79000000303" } });
    const borisEarlier = saleCheck({ amountMinor: 40_000, guest: { phone: "+79000000302" } });
    const earlier = await send(veraSale, borisEarlier);
    await processPosEvents(engine, world.tenantId, earlier, { maxAttempts: 3 });
    expect(await balanceOf(test, world.tenantId, vera)).toBe(30);
    expect(await balanceOf(test, world.tenantId, boris)).toBe(20);
    // Handed over again as if never settled (a replay): its key already has an answer.
    await test.db.withTenantClient(world.tenantId, (client) =>
      client.query("UPDATE pos_events SET status = 'received' WHERE id = $1", [earlier[1]]),
    );

    const batch = [
      saleCheck({ amountMinor: 100_000, guest: { phone: "+79000000301" } }), // Anna: 50
      saleCheck({ amountMinor: 200_000, guest: { phone: "+79000000302" } }), // Boris: 100
      saleCheck({ amountMinor: 40_000, guest: { phone: "+79000000301" } }), // Anna again: 20
      saleCheck({ amountMinor: 100_000, guest: { phone: "+79000000399" } }), // nobody
      saleCheck({ type: "refund", refundOf: veraSale.externalId, amountMinor: 60_000 }), // Vera: -30
    ];
    const ids = [...(await send(...batch)), earlier[1] ?? ""];
    // Counting transactions tells the fast path (the claim, then the whole batch) from the
    // check-by-check fallback, which would settle the same way.
    let transactions = 0;
    const counted: EngineDeps = {
      ...engine,
      db: {
        ...engine.db,
        withTenantClient: (tenantId, work) => {
          transactions += 1;
          return engine.db.withTenantClient(tenantId, work);
        },
      },
    };
    const outcomes = await processPosEvents(counted, world.tenantId, ids, { maxAttempts: 3 });
    expect(transactions).toBe(2);

    expect(ids.map((id) => outcomes.get(id)?.status)).toEqual([
      "processed",
      "processed",
      "processed",
      "unidentified",
      "processed",
      "processed",
    ]);
    expect(await statuses(ids)).toEqual([
      "processed",
      "processed",
      "processed",
      "unidentified",
      "processed",
      "processed",
    ]);
    expect(await balanceOf(test, world.tenantId, anna)).toBe(70);
    expect(await balanceOf(test, world.tenantId, boris)).toBe(120); // the replay earned nothing again
    expect(await balanceOf(test, world.tenantId, vera)).toBe(0);
    for (const guestId of [anna, boris, vera]) expect(await ledgerProblems(guestId)).toEqual([]);

    const written = await test.db.withTenantClient(world.tenantId, async (client) => {
      const keys = await client.query<{ idempotency_key: string; n: string }>(
        `SELECT idempotency_key, count(*) AS n FROM loyalty_operations WHERE idempotency_key LIKE $1
          GROUP BY idempotency_key`,
        [`pos:${pos.integrationId}:%`],
      );
      const earned = await client.query<{ guest: string; n: string }>(
        `SELECT payload->>'guestId' AS guest, count(*) AS n FROM outbox_events WHERE type = 'points.earned'
            AND payload->>'guestId' = ANY($1::text[]) GROUP BY 1`,
        [[anna, boris, vera]],
      );
      const checks = await client.query<{ guest_id: string; n: string }>(
        `SELECT guest_id, count(*) AS n FROM checks WHERE integration_id = $1 AND kind = 'sale' GROUP BY guest_id`,
        [pos.integrationId],
      );
      return {
        keys: keys.rows.map((row) => Number(row.n)),
        earned: Object.fromEntries(earned.rows.map((row) => [row.guest, Number(row.n)])),
        sales: Object.fromEntries(checks.rows.map((row) => [row.guest_id, Number(row.n)])),
      };
    });
    // One operation per check: 2 earlier, 4 in the batch that moved points (the replay wrote none).
    expect(written.keys).toHaveLength(6);
    expect(written.keys.every((n) => n === 1)).toBe(true);
    expect(written.earned).toEqual({ [anna]: 2, [boris]: 2, [vera]: 1 });
    expect(written.sales).toEqual({ [anna]: 2, [boris]: 2, [vera]: 1 });
  });
});
