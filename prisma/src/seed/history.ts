// Generates the demo guests and a plausible year of visits for them, as rows ready to insert.
// Pure and deterministic. It keeps the ledger's invariants by construction: points are earned
// in lots, spending takes lots oldest-expiry-first, every lot change is a movement, and each
// guest's balance is the sum of their entries. The seed test checks all of that in the database.
import { maxRedeemablePoints, pointsEarned, type RoundingMode, startOfLocalDayAfter } from "@maxl/shared";
import { uuidv7 } from "uuidv7";
import type { Prisma } from "../generated/client.ts";
import { englishNames, russianNames } from "./people.ts";
import { type Random, seededRandom } from "./random.ts";

const DAY_MS = 86_400_000;

export interface HistoryProgram {
  earnRateBps: number;
  maxRedeemShareBps: number;
  pointValueMinor: number;
  roundingMode: RoundingMode;
  pointsLifetimeDays: number | null;
  welcomeBonusPoints: number;
  levelWindowDays: number | null;
}

export interface HistoryLevel {
  id: string;
  thresholdMinor: bigint;
  earnRateBps: number;
}

export interface HistoryInput {
  tenantId: string;
  currency: string;
  timeZone: string;
  program: HistoryProgram;
  /** any order */
  levels: HistoryLevel[];
  restaurantIds: string[];
  cashierId: string;
  guestCount: number;
  now: Date;
  seed?: number;
}

export interface HistoryRows {
  guests: Prisma.GuestCreateManyInput[];
  checks: Prisma.CheckCreateManyInput[];
  operations: Prisma.LoyaltyOperationCreateManyInput[];
  ledgerEntries: Prisma.LedgerEntryCreateManyInput[];
  lots: Prisma.PointLotCreateManyInput[];
  lotMovements: Prisma.LotMovementCreateManyInput[];
}

interface OpenLot {
  row: Prisma.PointLotCreateManyInput;
  remaining: number;
  expiresAt: number;
}

export function generateHistory(input: HistoryInput): HistoryRows {
  const random = seededRandom(input.seed ?? 20_261_121);
  const rows: HistoryRows = { guests: [], checks: [], operations: [], ledgerEntries: [], lots: [], lotMovements: [] };
  const levels = [...input.levels].sort((a, b) => Number(a.thresholdMinor - b.thresholdMinor));
  for (let index = 0; index < input.guestCount; index++) {
    new GuestStory(input, levels, random, rows, index).tell();
  }
  return rows;
}

class GuestStory {
  private readonly id = uuidv7();
  private readonly lots: OpenLot[] = [];
  private readonly sales: { at: number; amountMinor: bigint }[] = [];
  private balance = 0;
  private operationCount = 0;

  constructor(
    private readonly input: HistoryInput,
    private readonly levels: HistoryLevel[],
    private readonly random: Random,
    private readonly rows: HistoryRows,
    private readonly index: number,
  ) {}

  tell(): void {
    const { now } = this.input;
    const joinedAt = now.getTime() - this.random.int(3, 360) * DAY_MS - this.random.int(0, DAY_MS - 1);
    const visitCount = this.random.chance(0.15) ? 0 : this.random.int(1, 12);
    const visits = Array.from({ length: visitCount }, () =>
      this.random.int(joinedAt + 3_600_000, now.getTime() - 3_600_000),
    )
      .filter((at) => at > joinedAt)
      .sort((a, b) => a - b);

    this.rows.guests.push(this.profile(joinedAt));
    if (this.input.program.welcomeBonusPoints > 0) this.welcomeBonus(joinedAt);
    for (const at of visits) this.visit(at);

    const guest = this.rows.guests.at(-1);
    if (guest) {
      guest.balance = this.balance;
      guest.levelId = this.levelAt(now.getTime()).id;
      guest.lastVisitAt = visits.length > 0 ? new Date(visits.at(-1) ?? joinedAt) : null;
    }
  }

  private profile(joinedAt: number): Prisma.GuestCreateManyInput {
    const english = this.index % 9 === 4;
    const names = this.random.chance(0.5) ? russianNames.female : russianNames.male;
    const [firstName, lastName] = english
      ? this.random.pick(englishNames)
      : [this.random.pick(names.first), this.random.pick(names.last)];
    const birthday = new Date(Date.UTC(this.random.int(1965, 2004), this.random.int(0, 11), this.random.int(1, 28)));
    return {
      tenantId: this.input.tenantId,
      id: this.id,
      telegramUserId: BigInt(900_000_000 + this.index),
      phone: `+7999${String(10_000_000 + this.index).slice(1)}`,
      firstName,
      lastName,
      birthday: this.random.chance(0.8) ? birthday : null,
      locale: english ? "en" : "ru",
      consentAt: new Date(joinedAt),
      consentVersion: "2026-01",
      // They joined through the bot's onboarding, so they are registered guests.
      registeredAt: new Date(joinedAt),
      notificationsEnabled: !this.random.chance(0.1),
      createdAt: new Date(joinedAt),
      updatedAt: new Date(joinedAt),
    };
  }

  private welcomeBonus(at: number): void {
    const points = this.input.program.welcomeBonusPoints;
    const operationId = this.operation("bonus", "system", at, null, { points });
    this.earnLot(operationId, null, points, at);
    this.entry(operationId, null, "bonus", points, "system", at, "welcome bonus");
  }

  private visit(at: number): void {
    const { program, tenantId, currency, restaurantIds, cashierId } = this.input;
    const amountMinor = BigInt(this.random.int(30, 400)) * 1_000n;
    const level = this.levelAt(at);
    this.expireDue(at);

    let pointsRedeemed = 0;
    if (this.balance >= 50 && this.random.chance(0.3)) {
      const limit = maxRedeemablePoints({
        amountMinor,
        maxShareBps: program.maxRedeemShareBps,
        pointValueMinor: program.pointValueMinor,
        available: this.balance,
      });
      pointsRedeemed = this.random.int(Math.ceil(limit / 2), limit);
    }
    const paidMinor = amountMinor - BigInt(pointsRedeemed * program.pointValueMinor);
    const checkId = uuidv7();
    this.rows.checks.push({
      tenantId,
      id: checkId,
      kind: "sale",
      source: "cashier",
      restaurantId: this.random.pick(restaurantIds),
      guestId: this.id,
      amountMinor,
      paidMinor,
      pointsRedeemed,
      currency,
      closedAt: new Date(at),
      createdAt: new Date(at),
    });

    if (pointsRedeemed > 0) {
      const operationId = this.operation("redemption", "cashier", at, checkId, { points: -pointsRedeemed }, cashierId);
      this.spend(operationId, pointsRedeemed, at);
      this.entry(operationId, checkId, "redeem", -pointsRedeemed, "cashier", at, null, cashierId);
    }
    const earned = pointsEarned({
      paidMinor,
      earnRateBps: level.earnRateBps,
      pointValueMinor: program.pointValueMinor,
      rounding: program.roundingMode,
    });
    if (earned > 0) {
      const operationId = this.operation("accrual", "cashier", at, checkId, { points: earned }, cashierId);
      this.earnLot(operationId, checkId, earned, at);
      this.entry(operationId, checkId, "earn", earned, "cashier", at, null, cashierId);
    }
    this.sales.push({ at, amountMinor });
  }

  /** The level a guest holds at `at`, from their spend within the program's window. */
  private levelAt(at: number): HistoryLevel {
    const windowDays = this.input.program.levelWindowDays;
    const since = windowDays === null ? Number.NEGATIVE_INFINITY : at - windowDays * DAY_MS;
    const spend = this.sales
      .filter((sale) => sale.at >= since && sale.at <= at)
      .reduce((sum, sale) => sum + sale.amountMinor, 0n);
    let current = this.levels[0];
    for (const level of this.levels) if (level.thresholdMinor <= spend) current = level;
    if (!current) throw new Error("the program needs at least one level");
    return current;
  }

  private operation(
    kind: Prisma.LoyaltyOperationCreateManyInput["kind"],
    source: Prisma.LoyaltyOperationCreateManyInput["source"],
    at: number,
    checkId: string | null,
    result: Record<string, number>,
    actorStaffId: string | null = null,
  ): string {
    const id = uuidv7();
    this.operationCount += 1;
    this.rows.operations.push({
      tenantId: this.input.tenantId,
      id,
      idempotencyKey: `seed:${this.id}:${this.operationCount}`,
      requestHash: "seed",
      kind,
      source,
      guestId: this.id,
      checkId,
      actorStaffId,
      result,
      createdAt: new Date(at),
    });
    return id;
  }

  private earnLot(operationId: string, checkId: string | null, points: number, at: number): void {
    const lifetime = this.input.program.pointsLifetimeDays;
    // As the engine does: the tenant's local midnight ending the lifetime-th day after earning.
    const expiresAt =
      lifetime === null
        ? Number.POSITIVE_INFINITY
        : startOfLocalDayAfter(new Date(at), lifetime + 1, this.input.timeZone).getTime();
    const row: Prisma.PointLotCreateManyInput = {
      tenantId: this.input.tenantId,
      id: uuidv7(),
      guestId: this.id,
      checkId,
      initialPoints: points,
      remainingPoints: points,
      expiresAt: lifetime === null ? null : new Date(expiresAt),
      createdAt: new Date(at),
    };
    this.rows.lots.push(row);
    this.lots.push({ row, remaining: points, expiresAt });
    this.movement(operationId, row.id as string, points, at);
  }

  /** Takes points from lots with the earliest expiry first. */
  private spend(operationId: string, points: number, at: number): void {
    let left = points;
    const open = this.lots.filter((lot) => lot.remaining > 0).sort((a, b) => a.expiresAt - b.expiresAt);
    for (const lot of open) {
      if (left === 0) break;
      const taken = Math.min(lot.remaining, left);
      lot.remaining -= taken;
      lot.row.remainingPoints = lot.remaining;
      left -= taken;
      this.movement(operationId, lot.row.id as string, -taken, at);
    }
    if (left > 0) throw new Error("the seed tried to spend more than the guest had");
  }

  /** Lots past their expiry before this visit lose what is left, as the expiry job would. */
  private expireDue(at: number): void {
    const due = this.lots.filter((lot) => lot.remaining > 0 && lot.expiresAt <= at);
    for (const lot of due) {
      const expiredAt = lot.expiresAt;
      const operationId = this.operation("expiry", "system", expiredAt, null, { points: -lot.remaining });
      this.movement(operationId, lot.row.id as string, -lot.remaining, expiredAt);
      this.entry(operationId, null, "expire", -lot.remaining, "system", expiredAt, "points expired");
      lot.remaining = 0;
      lot.row.remainingPoints = 0;
    }
  }

  private movement(operationId: string, lotId: string, points: number, at: number): void {
    this.rows.lotMovements.push({ tenantId: this.input.tenantId, operationId, lotId, points, createdAt: new Date(at) });
  }

  private entry(
    operationId: string,
    checkId: string | null,
    kind: Prisma.LedgerEntryCreateManyInput["kind"],
    points: number,
    source: Prisma.LedgerEntryCreateManyInput["source"],
    at: number,
    reason: string | null,
    actorStaffId: string | null = null,
  ): void {
    this.balance += points;
    this.rows.ledgerEntries.push({
      tenantId: this.input.tenantId,
      createdAt: new Date(at),
      guestId: this.id,
      operationId,
      checkId,
      kind,
      points,
      balanceAfter: this.balance,
      source,
      actorStaffId,
      reason,
    });
  }
}
