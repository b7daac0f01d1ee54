// Finished POS events are kept POS_EVENT_RETENTION_DAYS and then purged, integration by
// integration, in batches; whatever may still be acted on stays, however old. The events come in
// through the real signed webhook and are settled by the real processing; only their age (and one
// event's death, as the processor would have recorded it) is written by hand.
import { processPosEvent } from "@maxl/api";
import { ConfigError } from "@maxl/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorld, type World } from "../../api/test/http/world.ts";
import { addGuest, balanceOf, type Connected, connectIntegration, saleCheck } from "../../api/test/pos/pos-support.ts";
import { createTestApp, type TestApp } from "../../api/test/support.ts";
import { loadWorkersConfig } from "../src/config.ts";
import { purgePosEvents } from "../src/jobs/purge-pos-events.ts";
import { createJobRegistry } from "../src/jobs/registry.ts";
import { posInbox } from "./pos-inbox-support.ts";
import { createTestWorld, jobDepsOf, runtimeWith, type TestWorld } from "./support.ts";

const DAY = 86_400_000;

describe("POS_EVENT_RETENTION_DAYS", () => {
  const complete = {
    DATABASE_URL: "postgresql://maxl_app:maxl_app@127.0.0.1:5432/maxloyalty",
    DATABASE_PLATFORM_URL: "postgresql://maxl_platform:maxl_platform@127.0.0.1:5432/maxloyalty",
    REDIS_URL: "redis://127.0.0.1:6379/0",
    APP_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
  };

  it("is 30 days unless set, and any positive whole number of days when set", () => {
    expect(loadWorkersConfig(complete).retention.posEventDays).toBe(30);
    expect(loadWorkersConfig({ ...complete, POS_EVENT_RETENTION_DAYS: "60" }).retention.posEventDays).toBe(60);
    for (const value of ["0", "-5", "1.5", "thirty", "3651"]) {
      expect(() => loadWorkersConfig({ ...complete, POS_EVENT_RETENTION_DAYS: value })).toThrow(ConfigError);
    }
  });

  it("is what the nightly purge is scheduled with, on the maintenance queue", () => {
    const purge = createJobRegistry([], { posEventRetentionDays: 60 }).find((job) => job.name === "pos-events.purge");
    expect(purge?.queue).toBe("maintenance");
    expect(purge?.schedule).toEqual({ pattern: "30 1 * * *", data: { retentionDays: 60 } });
  });
});

describe("purging the POS inbox", () => {
  const phone = "+79000004401";
  const old = { closedAt: new Date(Date.now() - 40 * DAY).toISOString() };
  const guest = { guest: { phone } };
  const stranger = { guest: { phone: "+79000004499" } };
  const oldSale = saleCheck({ externalId: "old-sale-1", ...old, ...guest });
  /** what the front till keeps: whatever may still be acted on, and the young */
  const kept = {
    "new-eur": "rejected",
    "new-sale": "processed",
    "new-stranger": "unidentified",
    "old-dead": "dead",
    "old-refund": "awaiting_sale",
    "old-waiting": "received",
  };

  let test: TestApp;
  let workers: TestWorld;
  let inbox: ReturnType<typeof posInbox>;
  let world: World;
  let other: World;
  let guestId: string;
  let front: Connected;
  let frontIds: Map<string, string>;
  let terrace: Connected;
  let quiet: Connected;
  let quietLastEventAt: string | null | undefined;
  let otherPos: Connected;
  let otherBefore: Record<string, string>;
  let purged: { deleted: { processed: number; rejected: number; unidentified: number }; cutoff: string };

  async function purge(batchSize: number) {
    const runtime = runtimeWith(workers, []);
    const job = purgePosEvents(30);
    try {
      return (await job.handle(job.schema.parse({ retentionDays: 30, batchSize }), jobDepsOf(workers, runtime))) as {
        deleted: { processed: number; rejected: number; unidentified: number };
        cutoff: string;
      };
    } finally {
      await runtime.close();
    }
  }

  beforeAll(async () => {
    test = await createTestApp();
    workers = await createTestWorld();
    inbox = posInbox(test, workers.engine);
    world = await buildWorld(test, undefined, { bot: false });
    guestId = await addGuest(test, world.tenantId, phone);
    front = await connectIntegration(test, world, {
      kind: "generic",
      name: "Front till",
      restaurantId: world.restaurantId,
    });
    // A business that lets staff attach a check for 90 days after it closed.
    terrace = await connectIntegration(test, world, {
      kind: "generic",
      name: "Terrace",
      settings: { restaurantMap: {}, attachWindowHours: 24 * 90 },
    });
    quiet = await connectIntegration(test, world, { kind: "generic", name: "Quiet till" });

    frontIds = await inbox.deliver(world.tenantId, front, [
      oldSale,
      saleCheck({ externalId: "old-sale-2", ...old, ...guest }),
      saleCheck({ externalId: "old-sale-3", ...old, ...guest }),
      saleCheck({ externalId: "new-sale", ...guest }),
      saleCheck({ externalId: "old-eur", ...old, ...guest, currency: "EUR" }),
      saleCheck({ externalId: "new-eur", ...guest, currency: "EUR" }),
      saleCheck({ externalId: "old-stranger", ...old, ...stranger }),
      saleCheck({ externalId: "new-stranger", ...stranger }),
      saleCheck({ externalId: "old-refund", ...old, type: "refund", refundOf: "never-sold", amountMinor: 10_000 }),
      saleCheck({ externalId: "old-dead", ...old, ...guest, amountMinor: 40_000 }),
      saleCheck({ externalId: "old-waiting", ...old, ...guest }),
    ]);
    const unsettled = new Set(["old-dead", "old-waiting"]);
    await inbox.settle(
      world.tenantId,
      [...frontIds].filter(([externalId]) => !unsettled.has(externalId)).map(([, id]) => id),
    );
    await inbox.die(world.tenantId, frontIds.get("old-dead") ?? "");
    const terraceIds = await inbox.deliver(world.tenantId, terrace, [
      saleCheck({ externalId: "old-stranger", ...old, ...stranger }),
    ]);
    const quietIds = await inbox.deliver(world.tenantId, quiet, [
      saleCheck({ externalId: "quiet-sale", ...old, ...guest }),
    ]);
    await inbox.settle(world.tenantId, [...terraceIds.values(), ...quietIds.values()]);
    const frontOld = [...frontIds].filter(([externalId]) => externalId.startsWith("old-")).map(([, id]) => id);
    await inbox.age(world.tenantId, [...frontOld, ...terraceIds.values(), ...quietIds.values()], 40);

    // Another business, with the same external ids: nothing of it is due.
    other = await buildWorld(test, undefined, { bot: false });
    await addGuest(test, other.tenantId, phone);
    otherPos = await connectIntegration(test, other, { kind: "generic", name: "Their till" });
    const otherIds = await inbox.deliver(other.tenantId, otherPos, [
      saleCheck({ externalId: "old-sale-1", ...guest }),
      saleCheck({ externalId: "old-eur", ...guest, currency: "EUR" }),
      saleCheck({ externalId: "old-dead", ...old, ...guest }),
    ]);
    await inbox.settle(other.tenantId, [otherIds.get("old-sale-1") ?? "", otherIds.get("old-eur") ?? ""]);
    await inbox.die(other.tenantId, otherIds.get("old-dead") ?? "");
    await inbox.age(other.tenantId, [otherIds.get("old-dead") ?? ""], 40);

    expect(await inbox.statuses(world.tenantId, front.integrationId)).toEqual({
      ...kept,
      "old-eur": "rejected",
      "old-sale-1": "processed",
      "old-sale-2": "processed",
      "old-sale-3": "processed",
      "old-stranger": "unidentified",
    });
    otherBefore = await inbox.statuses(other.tenantId, otherPos.integrationId);
    quietLastEventAt = (await inbox.statusPage(world, quiet.integrationId))?.lastEventAt;
    expect(quietLastEventAt).toBeTruthy();

    purged = await purge(2);
  });

  afterAll(async () => {
    await workers.close();
    await test.close();
  });

  it("deletes processed, rejected and unattachable events received before the window, in batches", () => {
    // At least ours (other suites' events may be due too): three old sales need two batches of two.
    expect(purged.deleted.processed).toBeGreaterThanOrEqual(4);
    expect(purged.deleted.rejected).toBeGreaterThanOrEqual(1);
    expect(purged.deleted.unidentified).toBeGreaterThanOrEqual(1);
  });

  it("keeps what is young, waiting, awaiting its sale, dead, or can still be attached, however old", async () => {
    expect(await inbox.statuses(world.tenantId, front.integrationId)).toEqual(kept);
    expect(await inbox.statuses(world.tenantId, quiet.integrationId)).toEqual({});
    // closed 40 days ago, but this integration's window is 90 days
    expect(await inbox.statuses(world.tenantId, terrace.integrationId)).toEqual({ "old-stranger": "unidentified" });
  });

  it("leaves other businesses' events alone", async () => {
    expect(await inbox.statuses(other.tenantId, otherPos.integrationId)).toEqual(otherBefore);
  });

  it("keeps the status page's last event, and says from when its counts of finished events start", async () => {
    const quietStatus = await inbox.statusPage(world, quiet.integrationId);
    expect(quietStatus?.lastEventAt).toBe(quietLastEventAt);
    expect(quietStatus?.counts.processed).toBe(0);
    expect(quietStatus?.eventsPurgedBefore).toBe(purged.cutoff);
    expect((await inbox.statusPage(world, front.integrationId))?.counts).toEqual({
      received: 1,
      processed: 1,
      unidentified: 1,
      awaiting_sale: 1,
      rejected: 1,
      dead: 1,
    });
  });

  it("deletes nothing more when it runs again", async () => {
    await purge(2);
    expect(await inbox.statuses(world.tenantId, front.integrationId)).toEqual(kept);
    expect(await inbox.statuses(world.tenantId, terrace.integrationId)).toEqual({ "old-stranger": "unidentified" });
    expect(await inbox.statuses(other.tenantId, otherPos.integrationId)).toEqual(otherBefore);
  });

  it("still credits a purged sale once when the POS sends it again", async () => {
    const balance = await balanceOf(test, world.tenantId, guestId);
    const again = await inbox.deliver(world.tenantId, front, [oldSale]);
    const outcome = await processPosEvent(workers.engine, world.tenantId, again.get("old-sale-1") ?? "", {
      maxAttempts: 8,
    });
    expect(outcome).toMatchObject({ status: "processed", guestId });
    expect(await balanceOf(test, world.tenantId, guestId)).toBe(balance);
  });

  it("leaves dead letters to replay, and replaying one credits its check", async () => {
    const deadId = frontIds.get("old-dead") ?? "";
    const replay = await test.app.request(`/api/v1/integrations/${front.integrationId}/events/${deadId}/replay`, {
      method: "POST",
      headers: { Authorization: `Bearer ${await world.tokenFor("owner")}` },
    });
    expect(replay.status).toBe(202);
    const outcome = await processPosEvent(workers.engine, world.tenantId, deadId, { maxAttempts: 8 });
    expect(outcome).toMatchObject({ status: "processed", guestId, pointsDelta: 20 }); // 5 % of 400.00
  });

  it("skips an event an admin is replaying meanwhile, and keeps it once it is waiting again", async () => {
    const pos = await connectIntegration(test, world, { kind: "generic", name: "Replay till" });
    const ids = await inbox.deliver(world.tenantId, pos, [
      saleCheck({ externalId: "old-eur", ...old, ...guest, currency: "EUR" }),
    ]);
    const eventId = ids.get("old-eur") ?? "";
    await inbox.settle(world.tenantId, [eventId]);
    await inbox.age(world.tenantId, [eventId], 40);
    // The replay holds the row locked (SELECT ... FOR UPDATE, then the update) when the purge
    // comes by: the purge neither waits for it nor deletes what has just become received.
    await test.db.withTenantClient(world.tenantId, async (client) => {
      await client.query("SELECT 1 FROM pos_events WHERE id = $1 FOR UPDATE", [eventId]);
      await client.query("UPDATE pos_events SET status = 'received', attempts = 0 WHERE id = $1", [eventId]);
      await purge(5_000);
    });
    expect(await inbox.statuses(world.tenantId, pos.integrationId)).toEqual({ "old-eur": "received" });
    await purge(5_000);
    expect(await inbox.statuses(world.tenantId, pos.integrationId)).toEqual({ "old-eur": "received" });
  });
});
