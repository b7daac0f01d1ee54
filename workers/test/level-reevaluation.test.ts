// Guests' levels follow a threshold change right away: the save announces program.levels_changed
// and the workers re-evaluate that tenant's levels when the event arrives.
import { randomUUID } from "node:crypto";
import { LEVELS_CHANGED_EVENT, readProgram, updateProgram } from "@maxl/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchEvents } from "../src/events/dispatch.ts";
import { levelReevaluation } from "../src/events/level-reevaluation.ts";
import type { PublishedEvent } from "../src/events/published-event.ts";
import { createLoyaltyTenant, createTestWorld, jobDepsOf, runtimeWith, type TestWorld } from "./support.ts";

let world: TestWorld;
beforeAll(async () => {
  world = await createTestWorld();
});
afterAll(() => world.close());

describe("re-evaluating levels after a program change", () => {
  it("moves a guest whose spend reaches a new level as soon as the event is dispatched", async () => {
    const tenant = await createLoyaltyTenant(world.db, {});
    const guestId = await tenant.newGuest();
    await world.db.withTenant(tenant.id, (tx) =>
      tx.check.create({
        data: {
          tenantId: tenant.id,
          id: randomUUID(),
          kind: "sale",
          source: "cashier",
          guestId,
          amountMinor: 2_000_000n,
          paidMinor: 2_000_000n,
          currency: "RUB",
          closedAt: new Date(Date.now() - 86_400_000),
        },
      }),
    );
    const program = await readProgram(world.engine, tenant.id);
    const { program: saved } = await updateProgram(world.engine, {
      tenantId: tenant.id,
      actor: { source: "admin" },
      input: {
        ...program,
        minCheckMinor: BigInt(program.minCheckMinor),
        levels: [
          ...program.levels.map((level) => ({ ...level, thresholdMinor: BigInt(level.thresholdMinor) })),
          { name: "Silver", thresholdMinor: 1_000_000n, earnRateBps: 700 },
        ],
      },
    });
    const silver = saved.levels.find((level) => level.name === "Silver");

    const row = await world.db.withTenant(tenant.id, (tx) =>
      tx.outboxEvent.findFirstOrThrow({ where: { tenantId: tenant.id, type: LEVELS_CHANGED_EVENT } }),
    );
    const event: PublishedEvent = {
      tenantId: tenant.id,
      eventId: row.id.toString(),
      type: row.type,
      payload: row.payload,
      createdAt: row.createdAt.toISOString(),
    };
    const runtime = runtimeWith(world, []);
    try {
      const dispatch = dispatchEvents([levelReevaluation()]);
      expect(await dispatch.handle(event, jobDepsOf(world, runtime))).toEqual({ consumers: ["level-reevaluation"] });
      // The same event again changes nothing more.
      await dispatch.handle(event, jobDepsOf(world, runtime));
    } finally {
      await runtime.close();
    }
    const guest = await world.db.withTenant(tenant.id, (tx) =>
      tx.guest.findUniqueOrThrow({ where: { tenantId_id: { tenantId: tenant.id, id: guestId } } }),
    );
    expect(guest.levelId).toBe(silver?.id);
    const changes = await world.db.withTenant(tenant.id, (tx) =>
      tx.outboxEvent.count({ where: { tenantId: tenant.id, type: "level.changed" } }),
    );
    expect(changes).toBe(1);
  });
});
