// The demo tenant of ARCHITECTURE.md section 5: slug "demo", two restaurants, three levels, an
// owner and a cashier login, a generic POS integration, a connected bot, a few hundred guests
// with a year of history and a few events ahead. Credentials come from DEMO_* variables, so tests can sign
// POS requests and log in. Running it again keeps the data and refreshes those credentials.
import { randomBytes } from "node:crypto";
import { uuidv7 } from "uuidv7";
import type { Db, TenantTx } from "../client.ts";
import { hashPassword } from "../security/passwords.ts";
import { type SecretBox, secretContext } from "../security/secrets.ts";
import { ensureDemoEvents } from "./demo-events.ts";
import { demoIds } from "./demo-ids.ts";
import { generateHistory } from "./history.ts";

export const DEMO_SLUG = "demo";

export { demoIds } from "./demo-ids.ts";

// Telegram user ids of demo people, for launch data signed with the demo bot token: the first
// generated guest (history.ts numbers guests from 900000000) and the cashier, linked as a staff
// invite would link them, so the Mini App opens in staff mode for them.
export const demoTelegramIds = {
  guest: 900_000_000,
  cashier: 800_000_001,
} as const;

export interface DemoSeedOptions {
  botToken: string;
  posSecret: string;
  ownerEmail: string;
  ownerPassword: string;
  cashierEmail: string;
  cashierPassword: string;
  guestCount: number;
  now?: Date;
}

export interface DemoSeedResult {
  tenantId: string;
  created: boolean;
  guests: number;
}

const program = {
  earnRateBps: 500,
  maxRedeemShareBps: 3000,
  pointValueMinor: 100,
  roundingMode: "floor",
  pointsLifetimeDays: 365,
  expiryReminderDays: 7,
  welcomeBonusPoints: 100,
  birthdayBonusPoints: 300,
  levelWindowDays: 365,
} as const;

const levels = [
  { id: demoIds.levelBronze, name: "Бронза", rank: 0, thresholdMinor: 0n, earnRateBps: 500 },
  { id: demoIds.levelSilver, name: "Серебро", rank: 1, thresholdMinor: 1_500_000n, earnRateBps: 700 },
  { id: demoIds.levelGold, name: "Золото", rank: 2, thresholdMinor: 5_000_000n, earnRateBps: 1000 },
];

export async function seedDemo(db: Db, secrets: SecretBox, options: DemoSeedOptions): Promise<DemoSeedResult> {
  const botId = parseBotId(options.botToken);
  const [ownerHash, cashierHash] = await Promise.all([
    hashPassword(options.ownerPassword),
    hashPassword(options.cashierPassword),
  ]);
  const existing = await db.tenantIdBySlug(DEMO_SLUG);
  const tenantId = existing ?? uuidv7();
  const credentials = {
    tenantId,
    botId,
    ownerEmail: options.ownerEmail.toLowerCase(),
    cashierEmail: options.cashierEmail.toLowerCase(),
    ownerHash,
    cashierHash,
    botToken: secrets.encrypt(options.botToken, secretContext.botToken(tenantId)),
    posSecret: secrets.encrypt(options.posSecret, secretContext.posSecret(tenantId, demoIds.posIntegration)),
  };

  return db.withTenant(
    tenantId,
    async (tx) => {
      if (existing) {
        await refreshCredentials(tx, credentials);
        await ensureDemoSubscription(tx, tenantId, options.now ?? new Date());
        await ensureDemoEvents(tx, tenantId, options.now ?? new Date());
        return { tenantId, created: false, guests: await tx.guest.count() };
      }
      await createStructure(tx, {
        ...credentials,
        webhookSecret: secrets.encrypt(randomBytes(32).toString("base64url"), secretContext.botWebhookSecret(tenantId)),
      });
      await ensureDemoSubscription(tx, tenantId, options.now ?? new Date());
      const guests = await createGuests(tx, tenantId, options.guestCount, options.now ?? new Date());
      await ensureDemoEvents(tx, tenantId, options.now ?? new Date());
      return { tenantId, created: true, guests };
    },
    { timeoutMs: 300_000 },
  );
}

/**
 * The demo business pays for the Business plan for a year, so trying the product is not cut
 * short by the trial's limits (one restaurant; the demo has two). A subscription already there
 * is left as it is: whoever plays with billing locally keeps what they did.
 */
async function ensureDemoSubscription(tx: TenantTx, tenantId: string, now: Date): Promise<void> {
  await tx.subscription.upsert({
    where: { tenantId },
    create: {
      tenantId,
      planId: "business",
      status: "active",
      currentPeriodStart: now,
      currentPeriodEnd: new Date(now.getTime() + 365 * 86_400_000),
    },
    update: {},
  });
}

interface Credentials {
  tenantId: string;
  botId: bigint;
  ownerEmail: string;
  cashierEmail: string;
  ownerHash: string;
  cashierHash: string;
  botToken: string;
  posSecret: string;
}

async function createStructure(tx: TenantTx, c: Credentials & { webhookSecret: string }): Promise<void> {
  const tenantId = c.tenantId;
  await tx.tenant.create({ data: { id: tenantId, slug: DEMO_SLUG, name: "Кофейня «Демо»" } });
  await tx.loyaltyProgram.create({ data: { tenantId, ...program } });
  await tx.level.createMany({ data: levels.map((level) => ({ tenantId, ...level })) });
  await tx.restaurant.createMany({
    data: [
      { tenantId, id: demoIds.restaurantCentre, name: "Демо на Покровке", address: "Москва, Покровка, 1" },
      { tenantId, id: demoIds.restaurantRiver, name: "Демо у реки", address: "Москва, Садовническая наб., 7" },
    ],
  });
  await tx.staffUser.createMany({
    data: [
      {
        tenantId,
        id: demoIds.owner,
        email: c.ownerEmail,
        passwordHash: c.ownerHash,
        name: "Ольга Владелец",
        role: "owner",
      },
      {
        tenantId,
        id: demoIds.cashier,
        email: c.cashierEmail,
        passwordHash: c.cashierHash,
        name: "Кирилл Кассир",
        role: "cashier",
        telegramUserId: BigInt(demoTelegramIds.cashier),
      },
    ],
  });
  await tx.staffRestaurant.create({
    data: { tenantId, staffId: demoIds.cashier, restaurantId: demoIds.restaurantCentre },
  });
  await tx.posIntegration.create({
    data: {
      tenantId,
      id: demoIds.posIntegration,
      kind: "generic",
      name: "Demo POS (signed webhook)",
      restaurantId: demoIds.restaurantCentre,
      secretCiphertext: c.posSecret,
      config: demoPosConfig,
    },
  });
  await tx.botConnection.create({
    data: {
      tenantId,
      botId: c.botId,
      botUsername: "maxloyalty_demo_bot",
      tokenCiphertext: c.botToken,
      webhookSecretCiphertext: c.webhookSecret,
    },
  });
  await tx.auditLogEntry.create({
    data: { tenantId, actorKind: "system", action: "tenant.seeded", entityType: "tenant", entityId: tenantId },
  });
}

async function createGuests(tx: TenantTx, tenantId: string, guestCount: number, now: Date): Promise<number> {
  const rows = generateHistory({
    tenantId,
    currency: "RUB",
    timeZone: "Europe/Moscow",
    program,
    levels,
    restaurantIds: [demoIds.restaurantCentre, demoIds.restaurantRiver],
    cashierId: demoIds.cashier,
    guestCount,
    now,
  });
  await tx.guest.createMany({ data: rows.guests });
  await tx.check.createMany({ data: rows.checks });
  await tx.loyaltyOperation.createMany({ data: rows.operations });
  await tx.pointLot.createMany({ data: rows.lots });
  await tx.lotMovement.createMany({ data: rows.lotMovements });
  await tx.ledgerEntry.createMany({ data: rows.ledgerEntries });
  return rows.guests.length;
}

async function refreshCredentials(tx: TenantTx, c: Credentials): Promise<void> {
  const tenantId = c.tenantId;
  await tx.staffUser.update({
    where: { tenantId_id: { tenantId, id: demoIds.owner } },
    data: { email: c.ownerEmail, passwordHash: c.ownerHash, isActive: true },
  });
  await tx.staffUser.update({
    where: { tenantId_id: { tenantId, id: demoIds.cashier } },
    data: {
      email: c.cashierEmail,
      passwordHash: c.cashierHash,
      isActive: true,
      telegramUserId: BigInt(demoTelegramIds.cashier),
    },
  });
  await tx.posIntegration.update({
    where: { tenantId_id: { tenantId, id: demoIds.posIntegration } },
    data: {
      secretCiphertext: c.posSecret,
      previousSecretCiphertext: null,
      previousSecretValidUntil: null,
      config: demoPosConfig,
    },
  });
  await tx.botConnection.update({ where: { tenantId }, data: { botId: c.botId, tokenCiphertext: c.botToken } });
}

/** The demo POS names its two restaurants "centre-1" and "river-1" (restaurantExternalId). */
const demoPosConfig = {
  restaurantMap: { "centre-1": demoIds.restaurantCentre, "river-1": demoIds.restaurantRiver },
  attachWindowHours: 72,
};

/** Telegram bot tokens are "<bot id>:<secret>"; the id is public and identifies the bot. */
export function parseBotId(token: string): bigint {
  const match = /^(\d{1,20}):[A-Za-z0-9_-]{30,}$/.exec(token);
  if (!match?.[1]) throw new RangeError('must look like a BotFather token, "123456789:AA..."');
  return BigInt(match[1]);
}
