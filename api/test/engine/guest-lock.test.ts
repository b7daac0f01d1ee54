// What a verb reads about its guest must be read after it holds the guest's lock: an operation
// that waited for another one on the same guest has to see that one's check, not the database
// as it was when the wait began. Otherwise a guest whose two checks together cross a level
// threshold, closed at the same moment, keeps the old level.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineDeps } from "../../src/core/context.ts";
import { accruePoints } from "../../src/core/loyalty/accrue-points.ts";
import { type EngineFixture, engineFixture } from "./fixture.ts";

let f: EngineFixture;
beforeAll(async () => {
  f = await engineFixture();
});
afterAll(() => f.close());

const accrue = (deps: EngineDeps, guestId: string, amountMinor: bigint) =>
  accruePoints(deps, {
    tenantId: f.tenantId,
    actor: f.cashier,
    idempotencyKey: f.key(),
    input: { guestId, amountMinor, currency: "RUB", restaurantId: f.restaurantId },
  });

/** Whether some connection is waiting for a lock the given backend holds. */
async function someoneWaitsFor(pid: number): Promise<boolean> {
  return f.db.withTenantClient(f.tenantId, async (client) => {
    const { rows } = await client.query<{ waiting: boolean }>(
      "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE $1::int = ANY (pg_blocking_pids(pid))) AS waiting",
      [pid],
    );
    return rows[0]?.waiting ?? false;
  });
}

describe("the guest's lock", () => {
  it("makes a waiting operation see the check of the one it waited for", async () => {
    const guestId = await f.newGuest();
    // Silver starts at 10 000 ₽ of spend: 6 000 + 5 000 crosses it, neither alone does.
    let commitFirst = () => {};
    const firstHeld = new Promise<void>((resolve) => {
      commitFirst = resolve;
    });
    let firstDone = (_pid: number) => {};
    const firstWritten = new Promise<number>((resolve) => {
      firstDone = resolve;
    });
    // The first accrual runs inside a transaction the test keeps open after the verb is done.
    const first = f.db.withTenantClient(f.tenantId, async (client) => {
      const joined: EngineDeps = { ...f.deps, db: { ...f.deps.db, withTenantClient: (_t, work) => work(client) } };
      const outcome = await accrue(joined, guestId, 600_000n);
      const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
      firstDone(rows[0]?.pid ?? 0);
      await firstHeld;
      return outcome;
    });
    const firstPid = await firstWritten;
    const second = accrue(f.deps, guestId, 500_000n);
    const deadline = Date.now() + 10_000;
    while (!(await someoneWaitsFor(firstPid))) {
      if (Date.now() > deadline) throw new Error("the second accrual never waited for the guest's lock");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    commitFirst();
    await first;
    const { result } = await second;

    expect(result.level).toMatchObject({ id: f.levels.silver });
    expect(result.levelChange).toMatchObject({ fromLevelId: f.levels.bronze, toLevelId: f.levels.silver });
    expect(result.balance).toBe(300 + 250);
    expect(await f.invariants(guestId)).toEqual([]);
  });
});
