// Expiry: what is left of each lot past its expiry leaves the balance, one operation per guest
// per run. Lots expire at the tenant's local midnight (see lotExpiry); the workers run this
// every few minutes, so a lot goes within minutes of its midnight. Running it again changes
// nothing: an expired lot holds nothing more to expire.
import { createHash } from "node:crypto";
import type { OperationResult } from "@maxl/shared";
import { uuidv7 } from "uuidv7";
import { type EngineDeps, systemActor } from "../context.ts";
import { lockGuest } from "./guest-state.ts";
import { levelFields } from "./level-decisions.ts";
import { operationResult } from "./results.ts";
import { writeOperation } from "./write-operation.ts";

export interface ExpiryRun {
  guests: number;
  points: number;
}

export async function expireDueLots(deps: EngineDeps, tenantId: string, batchSize = 200): Promise<ExpiryRun> {
  const at = deps.clock();
  const run: ExpiryRun = { guests: 0, points: 0 };
  for (;;) {
    const guestIds = await deps.db.withTenantClient(tenantId, async (client) => {
      const { rows } = await client.query<{ guest_id: string }>(
        `SELECT DISTINCT guest_id FROM point_lots
          WHERE tenant_id = app_current_tenant() AND remaining_points > 0 AND expires_at <= $1
          LIMIT $2`,
        [at, batchSize],
      );
      return rows.map((row) => row.guest_id);
    });
    for (const guestId of guestIds) {
      const result = await expireGuestLots(deps, tenantId, guestId, at);
      if (result) {
        run.guests += 1;
        run.points += result.expired;
      }
    }
    if (guestIds.length < batchSize) return run;
  }
}

export async function expireGuestLots(
  deps: EngineDeps,
  tenantId: string,
  guestId: string,
  at: Date,
): Promise<OperationResult | null> {
  return deps.db.withTenantClient(tenantId, async (client) => {
    const state = await lockGuest(client, deps.rules, tenantId, guestId, at);
    const { rows } = await client.query<{ id: string; remaining_points: number }>(
      `SELECT id, remaining_points FROM point_lots
        WHERE tenant_id = app_current_tenant() AND guest_id = $1 AND remaining_points > 0 AND expires_at <= $2
        ORDER BY id`,
      [guestId, at],
    );
    if (rows.length === 0) return null;
    const points = rows.reduce((sum, row) => sum + row.remaining_points, 0);
    const fingerprint = createHash("sha256")
      .update(rows.map((row) => `${row.id}:${row.remaining_points}`).join(","))
      .digest("hex")
      .slice(0, 32);
    const operationId = uuidv7();
    const level = { ...levelFields(state), change: null };
    const result = operationResult({
      operationId,
      kind: "expiry",
      state,
      checkId: null,
      counts: { expired: points },
      pointsDelta: -points,
      level,
      at,
    });
    await writeOperation(client, {
      tenantId,
      guestId,
      at,
      operation: {
        id: operationId,
        idempotencyKey: `expiry:${guestId}:${fingerprint}`,
        requestHash: fingerprint,
        kind: "expiry",
        source: systemActor.source,
        checkId: null,
        actorStaffId: null,
        result,
      },
      newLots: [],
      lotChanges: rows.map((row) => ({ lotId: row.id, delta: -row.remaining_points })),
      movements: rows.map((row) => ({ lotId: row.id, points: -row.remaining_points })),
      entries: [{ kind: "expire", points: -points, checkId: null, reason: "points expired" }],
      balanceBefore: state.balance,
      level,
      lastVisitAt: null,
      events: [
        {
          type: "points.expired",
          payload: { guestId, operationId, points, lots: rows.length, balance: result.balance, at: result.at },
        },
      ],
      committedHoldId: null,
    });
    return result;
  });
}
