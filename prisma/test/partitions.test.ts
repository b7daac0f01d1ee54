// The ledger's monthly partitions: created ahead of time, and a month whose rows already sit in
// the default partition (clock skew, imported history) still gets its partition, rows moved in.
import pg from "pg";
import { uuidv7 } from "uuidv7";
import { afterAll, expect, it } from "vitest";
import { createDb } from "../src/client.ts";
import { createPlatformDb } from "../src/platform.ts";
import { createTestTenant, testServices } from "../src/testing/index.ts";

const services = testServices();
const db = createDb({ url: services.appUrl });
const platform = createPlatformDb({ url: services.platformUrl });
afterAll(() => Promise.all([db.close(), platform.close()]));

it("moves a far-future month's rows out of the default partition when that month's partition is created", async () => {
  const tenant = await createTestTenant(db);
  const guestId = uuidv7();
  const operationId = uuidv7();
  // 40 months ahead: beyond any partition the migrations or the workers create.
  const future = new Date();
  future.setUTCMonth(future.getUTCMonth() + 40, 15);
  await db.withTenant(tenant.id, async (tx) => {
    await tx.guest.create({ data: { tenantId: tenant.id, id: guestId, balance: 5 } });
    await tx.loyaltyOperation.create({
      data: {
        tenantId: tenant.id,
        id: operationId,
        idempotencyKey: `p-${operationId}`,
        requestHash: "x",
        kind: "bonus",
        source: "system",
        guestId,
        result: {},
      },
    });
    await tx.ledgerEntry.create({
      data: {
        tenantId: tenant.id,
        createdAt: future,
        guestId,
        operationId,
        kind: "bonus",
        points: 5,
        balanceAfter: 5,
        source: "system",
      },
    });
  });
  const admin = new pg.Client({ connectionString: services.adminUrl });
  await admin.connect();
  try {
    const where = async () =>
      (
        await admin.query<{ part: string }>(
          "SELECT tableoid::regclass::text AS part FROM ledger_entries WHERE operation_id = $1",
          [operationId],
        )
      ).rows[0]?.part;
    expect(await where()).toBe("ledger_entries_default");
    expect(await platform.ensureLedgerPartitions(41)).toBeGreaterThan(0);
    const month = `${future.getUTCFullYear()}${String(future.getUTCMonth() + 1).padStart(2, "0")}`;
    expect(await where()).toBe(`ledger_entries_${month}`);
    const counts = await db.withTenant(tenant.id, (tx) => tx.ledgerEntry.count({ where: { guestId } }));
    expect(counts).toBe(1);
  } finally {
    await admin.end();
  }
});
