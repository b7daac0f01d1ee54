// The demo seed writes a tenant whose ledger keeps every invariant of ARCHITECTURE.md section 4,
// and running it again changes no data but refreshes the credentials.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../src/client.ts";
import { verifyPassword } from "../src/security/passwords.ts";
import { createSecretBox, secretContext } from "../src/security/secrets.ts";
import { demoDefaults } from "../src/seed/defaults.ts";
import { DEMO_SLUG, type DemoSeedOptions, demoIds, demoTelegramIds, seedDemo } from "../src/seed/demo.ts";
import { testServices } from "../src/testing/index.ts";

const services = testServices();
const db = createDb({ url: services.appUrl });
const secrets = createSecretBox(Buffer.alloc(32, 7));
const options: DemoSeedOptions = {
  botToken: demoDefaults.DEMO_BOT_TOKEN,
  posSecret: demoDefaults.DEMO_POS_SECRET,
  ownerEmail: "Owner@Demo.Test",
  ownerPassword: "first-password",
  cashierEmail: "cashier@demo.test",
  cashierPassword: "cashier-password",
  guestCount: 60,
};
let tenantId: string;

beforeAll(async () => {
  const result = await seedDemo(db, secrets, options);
  expect(result).toMatchObject({ created: true, guests: 60 });
  tenantId = result.tenantId;
}, 120_000);

afterAll(() => db.close());

async function scalar(sql: string): Promise<number> {
  return db.withTenant(tenantId, async (tx) => {
    const rows = await tx.$queryRawUnsafe<{ value: bigint | number | null }[]>(sql);
    return Number(rows[0]?.value ?? 0);
  });
}

describe("the demo tenant", () => {
  it("has two restaurants, three levels, an owner, a cashier, a POS integration and a bot", async () => {
    const counts = await db.withTenant(tenantId, async (tx) => ({
      restaurants: await tx.restaurant.count(),
      levels: await tx.level.count(),
      roles: (await tx.staffUser.findMany({ orderBy: { role: "asc" } })).map((staff) => staff.role),
      integration: await tx.posIntegration.findUnique({
        where: { tenantId_id: { tenantId, id: demoIds.posIntegration } },
      }),
      bot: await tx.botConnection.findUnique({ where: { tenantId } }),
    }));
    expect(counts).toMatchObject({ restaurants: 2, levels: 3, roles: ["owner", "cashier"] });
    expect(counts.integration?.kind).toBe("generic");
    expect(counts.bot?.botId).toBe(7_000_000_001n);
  });

  it("links the cashier's Telegram account and gives the first guest the documented Telegram id", async () => {
    const { cashier, guest } = await db.withTenant(tenantId, async (tx) => ({
      cashier: await tx.staffUser.findUniqueOrThrow({ where: { tenantId_id: { tenantId, id: demoIds.cashier } } }),
      guest: await tx.guest.findUnique({
        where: { tenantId_telegramUserId: { tenantId, telegramUserId: BigInt(demoTelegramIds.guest) } },
      }),
    }));
    expect(cashier.telegramUserId).toBe(BigInt(demoTelegramIds.cashier));
    expect(guest).not.toBeNull();
  });

  it("keeps the bot token and POS secret encrypted, bound to this tenant", async () => {
    const { bot, integration } = await db.withTenant(tenantId, async (tx) => ({
      bot: await tx.botConnection.findUniqueOrThrow({ where: { tenantId } }),
      integration: await tx.posIntegration.findUniqueOrThrow({
        where: { tenantId_id: { tenantId, id: demoIds.posIntegration } },
      }),
    }));
    expect(bot.tokenCiphertext).not.toContain(options.botToken);
    expect(secrets.decrypt(bot.tokenCiphertext, secretContext.botToken(tenantId))).toBe(options.botToken);
    expect(
      secrets.decrypt(integration.secretCiphertext, secretContext.posSecret(tenantId, demoIds.posIntegration)),
    ).toBe(options.posSecret);
    expect(() => secrets.decrypt(bot.tokenCiphertext, secretContext.botToken("another-tenant"))).toThrow();
  });

  it("gives every guest a balance equal to the sum of their ledger entries", async () => {
    const mismatches = await scalar(
      `SELECT count(*) AS value FROM guests g
        WHERE g.balance <> coalesce((SELECT sum(points) FROM ledger_entries e WHERE e.guest_id = g.id), 0)`,
    );
    expect(mismatches).toBe(0);
    expect(await scalar("SELECT sum(balance) AS value FROM guests")).toBeGreaterThan(0);
  });

  it("keeps each lot's remaining points equal to the sum of its movements, and the lots equal to the balance", async () => {
    expect(
      await scalar(
        `SELECT count(*) AS value FROM point_lots l
          WHERE l.remaining_points <> (SELECT sum(points) FROM lot_movements m WHERE m.lot_id = l.id)`,
      ),
    ).toBe(0);
    expect(
      await scalar(
        `SELECT count(*) AS value FROM guests g
          WHERE g.balance <> coalesce((SELECT sum(remaining_points) FROM point_lots l WHERE l.guest_id = g.id), 0)`,
      ),
    ).toBe(0);
  });

  it("records each operation's entries and lot movements with the same total", async () => {
    expect(
      await scalar(
        `SELECT count(*) AS value FROM loyalty_operations o
          WHERE (SELECT sum(points) FROM ledger_entries e WHERE e.operation_id = o.id)
             <> (SELECT sum(points) FROM lot_movements m WHERE m.operation_id = o.id)`,
      ),
    ).toBe(0);
  });

  it("spreads the history over several monthly partitions of the ledger", async () => {
    const admin = new pg.Client({ connectionString: services.adminUrl });
    await admin.connect();
    try {
      const { rows } = await admin.query(
        "SELECT count(DISTINCT tableoid) AS partitions FROM ledger_entries WHERE tenant_id = $1",
        [tenantId],
      );
      expect(Number(rows[0]?.partitions)).toBeGreaterThan(3);
    } finally {
      await admin.end();
    }
  });

  it("plans two published events ahead (one paid, one for Silver) and a draft, and keeps them on a re-run", async () => {
    const events = () =>
      db.withTenant(tenantId, (tx) =>
        tx.event.findMany({
          orderBy: { startsAt: "asc" },
          select: { title: true, status: true, startsAt: true, pricePoints: true, minLevelId: true },
        }),
      );
    const planned = await events();
    expect(planned.map((event) => event.status)).toEqual(["published", "published", "draft"]);
    expect(planned.every((event) => event.startsAt > new Date())).toBe(true);
    expect(planned[0]).toMatchObject({ pricePoints: 300, minLevelId: null });
    expect(planned[1]).toMatchObject({ pricePoints: 0, minLevelId: demoIds.levelSilver });
    // 19:00 in Moscow (UTC+3 all year)
    expect(planned[0]?.startsAt.toISOString()).toMatch(/T16:00:00\.000Z$/);

    await seedDemo(db, secrets, options);
    expect(await events()).toEqual(planned);
    // once they are past, a re-run plans new ones
    const later = new Date(Date.now() + 30 * 86_400_000);
    await seedDemo(db, secrets, { ...options, now: later });
    const after = await events();
    expect(after.filter((event) => event.status === "published" && event.startsAt > later)).toHaveLength(2);
  });

  it("runs again without duplicating anything and refreshes the demo credentials", async () => {
    const before = await scalar("SELECT count(*) AS value FROM ledger_entries");
    await db.withTenant(tenantId, (tx) =>
      tx.staffUser.update({
        where: { tenantId_id: { tenantId, id: demoIds.cashier } },
        data: { telegramUserId: null, isActive: false },
      }),
    );
    const again = await seedDemo(db, secrets, { ...options, ownerPassword: "second-password" });
    expect(again).toEqual({ tenantId, created: false, guests: 60 });
    expect(await scalar("SELECT count(*) AS value FROM ledger_entries")).toBe(before);
    const owner = await db.withTenant(tenantId, (tx) =>
      tx.staffUser.findUniqueOrThrow({ where: { tenantId_id: { tenantId, id: demoIds.owner } } }),
    );
    expect(owner.email).toBe("owner@demo.test");
    expect(await verifyPassword(owner.passwordHash ?? "", "second-password")).toBe(true);
    const cashier = await db.withTenant(tenantId, (tx) =>
      tx.staffUser.findUniqueOrThrow({ where: { tenantId_id: { tenantId, id: demoIds.cashier } } }),
    );
    expect(cashier).toMatchObject({ telegramUserId: BigInt(demoTelegramIds.cashier), isActive: true });
    expect(await db.tenantIdBySlug(DEMO_SLUG)).toBe(tenantId);
  });
});
