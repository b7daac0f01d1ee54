import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adjustPoints } from "../../src/core/loyalty/adjust-points.ts";
import { type EngineFixture, engineFixture } from "./fixture.ts";

let f: EngineFixture;
beforeAll(async () => {
  f = await engineFixture();
});
afterAll(() => f.close());

const adjust = (guestId: string, points: number, reason = "correction after a POS outage") =>
  adjustPoints(f.deps, {
    tenantId: f.tenantId,
    actor: { ...f.manager, ip: "10.0.0.7" },
    idempotencyKey: f.key(),
    input: { guestId, points, reason },
  });

describe("adjustPoints", () => {
  it("adds and removes points with a reason, in the ledger and the audit log", async () => {
    const guestId = await f.newGuest();
    expect((await adjust(guestId, 250)).result).toMatchObject({ kind: "adjustment", adjusted: 250, balance: 250 });
    expect((await adjust(guestId, -100)).result).toMatchObject({ adjusted: -100, balance: 150 });
    const entries = await f.db.withTenant(f.tenantId, (tx) =>
      tx.ledgerEntry.findMany({
        where: { guestId },
        orderBy: { id: "asc" },
        select: { kind: true, points: true, reason: true, actorStaffId: true },
      }),
    );
    expect(entries).toEqual([
      { kind: "adjust", points: 250, reason: "correction after a POS outage", actorStaffId: f.manager.staffId },
      { kind: "adjust", points: -100, reason: "correction after a POS outage", actorStaffId: f.manager.staffId },
    ]);
    const audit = await f.db.withTenant(f.tenantId, (tx) =>
      tx.auditLogEntry.findMany({ where: { entityId: guestId } }),
    );
    expect(audit.map((row) => [row.action, row.ip])).toEqual([
      ["points.adjust", "10.0.0.7"],
      ["points.adjust", "10.0.0.7"],
    ]);
    expect(await f.invariants(guestId)).toEqual([]);
  });

  it("refuses to remove more than the guest can spend", async () => {
    const guestId = await f.newGuest();
    await adjust(guestId, 10);
    await expect(adjust(guestId, -11)).rejects.toMatchObject({
      code: "VALIDATION",
      message: "The guest has only 10 points that can be removed.",
    });
    expect(await f.balance(guestId)).toBe(10);
  });
});
