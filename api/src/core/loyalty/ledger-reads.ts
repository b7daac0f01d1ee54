// Reads the points verbs share, all run inside a verb's transaction with the guest locked.
import { ServiceError, startOfLocalDayAfter } from "@maxl/shared";
import type pg from "pg";
import type { GuestState } from "./guest-state.ts";
import type { OpenLot } from "./lots.ts";

interface LotRow {
  id: string;
  remaining_points: number;
  expires_at: Date | null;
  created_at: Date;
}

function toLot(row: LotRow): OpenLot {
  return { id: row.id, remaining: row.remaining_points, expiresAt: row.expires_at, createdAt: row.created_at };
}

/** The guest's lots that still hold points. */
export async function openLots(client: pg.PoolClient, guestId: string): Promise<OpenLot[]> {
  const { rows } = await client.query<LotRow>(
    `SELECT id, remaining_points, expires_at, created_at FROM point_lots
      WHERE tenant_id = app_current_tenant() AND guest_id = $1 AND remaining_points > 0`,
    [guestId],
  );
  return rows.map(toLot);
}

export async function lotsById(client: pg.PoolClient, ids: string[]): Promise<OpenLot[]> {
  if (ids.length === 0) return [];
  const { rows } = await client.query<LotRow>(
    `SELECT id, remaining_points, expires_at, created_at FROM point_lots
      WHERE tenant_id = app_current_tenant() AND id = ANY($1::uuid[])`,
    [ids],
  );
  return rows.map(toLot);
}

/**
 * When points earned at `at` expire: at the tenant's local midnight that ends the lifetime-th
 * day after the day they were earned (lifetime 1: earned Monday, spendable through Tuesday).
 */
export function lotExpiry(state: GuestState, at: Date): Date | null {
  const lifetime = state.program.pointsLifetimeDays;
  return lifetime === null ? null : startOfLocalDayAfter(at, lifetime + 1, state.timeZone);
}

export function assertCurrency(state: GuestState, currency: string): void {
  if (currency !== state.currency) {
    throw new ServiceError(
      "VALIDATION",
      `This program counts money in ${state.currency}; the check is in ${currency}.`,
      {
        fields: [{ path: "currency", message: `must be ${state.currency}` }],
        key: "error-currency",
        vars: { expected: state.currency, got: currency },
      },
    );
  }
}

export async function assertRestaurant(client: pg.PoolClient, restaurantId: string | undefined): Promise<void> {
  if (!restaurantId) return;
  const { rows } = await client.query<{ is_active: boolean }>(
    "SELECT is_active FROM restaurants WHERE tenant_id = app_current_tenant() AND id = $1",
    [restaurantId],
  );
  if (!rows[0]) {
    throw new ServiceError("VALIDATION", "There is no such restaurant in this program.", {
      key: "error-restaurant-unknown",
      fields: [{ path: "restaurantId", message: "unknown restaurant" }],
    });
  }
  if (!rows[0].is_active) {
    throw new ServiceError("VALIDATION", "This restaurant is closed in the program settings.", {
      key: "error-restaurant-inactive",
      fields: [{ path: "restaurantId", message: "restaurant is inactive" }],
    });
  }
}

/** Whether a sale closed at `closedAt` still counts toward the level window at `at`. */
export function inLevelWindow(state: GuestState, closedAt: Date, at: Date): boolean {
  const days = state.program.levelWindowDays;
  return days === null || closedAt.getTime() > at.getTime() - days * 86_400_000;
}
