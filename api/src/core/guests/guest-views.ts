// What a guest sees about themselves in the Mini App: the card, the history, the levels.
import { type LevelRule, levelProgress, ServiceError } from "@maxl/shared";
import { z } from "zod";
import type { EngineDeps } from "../context.ts";
import { currentGuestTokens } from "../identification/tokens.ts";
import { programFromRow } from "../loyalty/program-row.ts";
import { windowSpend } from "./window-spend.ts";

const levelSchema = z.object({
  id: z.string(),
  name: z.string(),
  rank: z.number().int(),
  earnRateBps: z.number().int(),
});

export const guestCardSchema = z.object({
  guest: z.object({
    id: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    locale: z.string().nullable(),
  }),
  tenant: z.object({ name: z.string(), currency: z.string(), timeZone: z.string() }),
  balance: z.number().int(),
  available: z.number().int(),
  /** what one point is worth, minor units */
  pointValueMinor: z.number().int(),
  level: levelSchema.nullable(),
  nextLevel: levelSchema.extend({ thresholdMinor: z.string(), remainingMinor: z.string() }).nullable(),
  /** 0..1 toward the next level */
  progress: z.number(),
  spendMinor: z.string(),
  levelWindowDays: z.number().int().nullable(),
  expiringSoonest: z.object({ points: z.number().int(), expiresAt: z.string() }).nullable(),
  identification: z.object({
    qr: z.object({ token: z.string(), expiresAt: z.string() }),
    code: z.object({ code: z.string(), expiresAt: z.string() }),
  }),
});
export type GuestCard = z.infer<typeof guestCardSchema>;

export async function guestCard(deps: EngineDeps, tenantId: string, guestId: string): Promise<GuestCard> {
  const at = deps.clock();
  const view = await deps.db.withTenant(tenantId, async (tx) => {
    const guest = await tx.guest.findUnique({ where: { tenantId_id: { tenantId, id: guestId } } });
    if (!guest)
      throw new ServiceError("NOT_FOUND", "There is no such guest in this program.", { key: "error-guest-unknown" });
    // One after another: a transaction is one connection, which runs one query at a time anyway.
    const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    const programRow = await tx.$queryRaw<
      Record<string, unknown>[]
    >`SELECT * FROM loyalty_programs WHERE tenant_id = app_current_tenant()`;
    const levels = await tx.level.findMany({ orderBy: { rank: "asc" } });
    const held = await tx.redemptionHold.aggregate({
      where: { guestId, status: "held", expiresAt: { gt: at } },
      _sum: { maxPoints: true },
    });
    const soonest = await tx.$queryRaw<{ points: bigint; expires_at: Date }[]>`
        SELECT sum(remaining_points) AS points, expires_at FROM point_lots
         WHERE tenant_id = app_current_tenant() AND guest_id = ${guestId}::uuid AND remaining_points > 0
           AND expires_at IS NOT NULL AND expires_at > ${at}
         GROUP BY expires_at ORDER BY expires_at LIMIT 1`;
    const program = programRow[0] ? programFromRow(programRow[0]) : null;
    const windowDays = program?.levelWindowDays ?? null;
    const spend = await windowSpend(tx, guestId, windowDays, at);
    return { guest, tenant, program, levels, held: held._sum.maxPoints ?? 0, soonest: soonest[0], spend, windowDays };
  });
  const progress = levelProgress(view.levels, view.guest.levelId, view.spend);
  const identification = await currentGuestTokens(deps, tenantId, guestId);
  const toLevel = (level: LevelRule) => ({
    id: level.id,
    name: level.name,
    rank: level.rank,
    earnRateBps: level.earnRateBps,
  });
  return {
    guest: {
      id: view.guest.id,
      firstName: view.guest.firstName,
      lastName: view.guest.lastName,
      locale: view.guest.locale,
    },
    tenant: { name: view.tenant.name, currency: view.tenant.currency, timeZone: view.tenant.timeZone },
    balance: view.guest.balance,
    available: Math.max(0, view.guest.balance - view.held),
    pointValueMinor: view.program?.pointValueMinor ?? 100,
    level: progress.current ? toLevel(progress.current) : null,
    nextLevel: progress.next
      ? {
          ...toLevel(progress.next),
          thresholdMinor: progress.next.thresholdMinor.toString(),
          remainingMinor: progress.remainingMinor.toString(),
        }
      : null,
    progress: progress.fraction,
    spendMinor: view.spend.toString(),
    levelWindowDays: view.windowDays,
    expiringSoonest: view.soonest
      ? { points: Number(view.soonest.points), expiresAt: view.soonest.expires_at.toISOString() }
      : null,
    identification,
  };
}

export const historyQuerySchema = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});

export const historyPageSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      at: z.string(),
      kind: z.enum(["earn", "redeem", "expire", "adjust", "bonus", "reversal"]),
      points: z.number().int(),
      balanceAfter: z.number().int(),
      reason: z.string().nullable(),
      checkId: z.string().nullable(),
      amountMinor: z.string().nullable(),
      restaurant: z.string().nullable(),
    }),
  ),
  /** pass as `cursor` for the next, older page; null at the end */
  nextCursor: z.string().nullable(),
});
export type HistoryPage = z.infer<typeof historyPageSchema>;

function encodeCursor(at: Date, id: bigint): string {
  return Buffer.from(`${at.toISOString()}|${id}`).toString("base64url");
}

function decodeCursor(cursor: string): { at: Date; id: bigint } {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const date = new Date(at ?? "");
  if (Number.isNaN(date.getTime()) || !id || !/^\d+$/.test(id)) {
    throw new ServiceError("VALIDATION", "This page cursor is not valid; start again from the first page.", {
      key: "cursor-invalid",
      fields: [{ path: "cursor", message: "invalid cursor" }],
    });
  }
  return { at: date, id: BigInt(id) };
}

/** The guest's ledger, newest first, a page at a time (keyset pagination, stable under inserts). */
export async function guestHistory(
  deps: EngineDeps,
  tenantId: string,
  guestId: string,
  query: z.infer<typeof historyQuerySchema>,
): Promise<HistoryPage> {
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const rows = await deps.db.withTenant(
    tenantId,
    (tx) =>
      tx.$queryRaw<
        {
          id: bigint;
          created_at: Date;
          kind: HistoryPage["items"][number]["kind"];
          points: number;
          balance_after: number;
          reason: string | null;
          check_id: string | null;
          amount_minor: bigint | null;
          restaurant: string | null;
        }[]
      >`
      SELECT e.id, e.created_at, e.kind, e.points, e.balance_after, e.reason, e.check_id, c.amount_minor, r.name AS restaurant
        FROM ledger_entries e
        LEFT JOIN checks c ON c.tenant_id = e.tenant_id AND c.id = e.check_id
        LEFT JOIN restaurants r ON r.tenant_id = c.tenant_id AND r.id = c.restaurant_id
       WHERE e.tenant_id = app_current_tenant() AND e.guest_id = ${guestId}::uuid
         AND (${after?.at ?? null}::timestamptz IS NULL OR (e.created_at, e.id) < (${after?.at ?? null}::timestamptz, ${after?.id ?? null}::bigint))
       ORDER BY e.created_at DESC, e.id DESC
       LIMIT ${query.limit + 1}`,
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      id: row.id.toString(),
      at: row.created_at.toISOString(),
      kind: row.kind,
      points: row.points,
      balanceAfter: row.balance_after,
      reason: row.reason,
      checkId: row.check_id,
      amountMinor: row.amount_minor?.toString() ?? null,
      restaurant: row.restaurant,
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}

export const levelsTableSchema = z.object({
  levels: z.array(levelSchema.extend({ thresholdMinor: z.string(), current: z.boolean(), reached: z.boolean() })),
  spendMinor: z.string(),
  levelWindowDays: z.number().int().nullable(),
  /** an admin's level and until when it holds, if any */
  manualUntil: z.string().nullable(),
});
export type LevelsTable = z.infer<typeof levelsTableSchema>;

export async function guestLevels(deps: EngineDeps, tenantId: string, guestId: string): Promise<LevelsTable> {
  const at = deps.clock();
  return deps.db.withTenant(tenantId, async (tx) => {
    const guest = await tx.guest.findUnique({ where: { tenantId_id: { tenantId, id: guestId } } });
    if (!guest)
      throw new ServiceError("NOT_FOUND", "There is no such guest in this program.", { key: "error-guest-unknown" });
    const program = await tx.loyaltyProgram.findUnique({ where: { tenantId } });
    const windowDays = program ? program.levelWindowDays : 365;
    const spend = await windowSpend(tx, guestId, windowDays, at);
    const levels = await tx.level.findMany({ orderBy: { rank: "asc" } });
    return {
      levels: levels.map((level) => ({
        id: level.id,
        name: level.name,
        rank: level.rank,
        earnRateBps: level.earnRateBps,
        thresholdMinor: level.thresholdMinor.toString(),
        current: level.id === guest.levelId,
        reached: level.thresholdMinor <= spend,
      })),
      spendMinor: spend.toString(),
      levelWindowDays: windowDays,
      manualUntil:
        guest.manualLevelId && guest.manualLevelUntil && guest.manualLevelUntil > at
          ? guest.manualLevelUntil.toISOString()
          : null,
    };
  });
}
