// One tenant's loyalty upkeep, queued for every served tenant by the sweep every five minutes.
// Expiry and its reminders run each time, so a lot goes within minutes of its local midnight.
// Birthday bonuses and the level re-evaluation depend only on the tenant's local date, so they
// run once per local day: the day is marked done in Redis only after both succeeded, and a
// failure leaves it for the next run. Every verb is idempotent, so two runs racing (a retry
// beside the next slot's job) give the same result as one.
import {
  type EngineDeps,
  type ExpiryRun,
  expireDueLots,
  grantBirthdayBonuses,
  type ReevaluationRun,
  reevaluateLevels,
  remindExpiringPoints,
} from "@maxl/api";
import { formatLocalDate, localDateOf } from "@maxl/shared";
import { UnrecoverableError } from "bullmq";
import { z } from "zod";
import { queueNames } from "../queues.ts";
import { defineJob } from "./definition.ts";

const DAILY_MARK_TTL_SECONDS = 3 * 24 * 3600;

export interface DailyUpkeep {
  birthdayBonuses: number;
  levels: ReevaluationRun;
}

export type TenantUpkeep =
  | { skipped: "suspended" }
  | {
      /** the tenant's local date the run belongs to, "2026-11-21" */
      localDate: string;
      expired: ExpiryRun;
      reminded: number;
      /** null when the day's part had already run */
      daily: DailyUpkeep | null;
    };

export const maintainTenant = defineJob({
  queue: queueNames.loyalty,
  name: "loyalty.maintain-tenant",
  schema: z.object({ tenantId: z.uuid() }),
  async handle({ tenantId }, { engine }): Promise<TenantUpkeep> {
    const tenant = await engine.db.withTenant(tenantId, (tx) =>
      tx.tenant.findUnique({ where: { id: tenantId }, select: { status: true, timeZone: true } }),
    );
    if (!tenant) throw new UnrecoverableError(`no tenant ${tenantId}`);
    // queued before the tenant was suspended
    if (tenant.status === "suspended") return { skipped: "suspended" };

    const localDate = formatLocalDate(localDateOf(engine.clock(), tenant.timeZone));
    const expired = await expireDueLots(engine, tenantId);
    const reminded = await remindExpiringPoints(engine, tenantId);
    const key = dailyMarkKey(engine, tenantId, localDate);
    let daily: DailyUpkeep | null = null;
    if ((await engine.redis.exists(key)) === 0) {
      daily = {
        birthdayBonuses: await grantBirthdayBonuses(engine, tenantId),
        levels: await reevaluateLevels(engine, tenantId),
      };
      await engine.redis.set(key, "1", "EX", DAILY_MARK_TTL_SECONDS);
    }
    return { localDate, expired, reminded, daily };
  },
});

/** Set once a tenant's daily upkeep for that local date has succeeded. */
export function dailyMarkKey(engine: Pick<EngineDeps, "settings">, tenantId: string, localDate: string): string {
  return `${engine.settings.redisPrefix}:daily:${tenantId}:${localDate}`;
}
