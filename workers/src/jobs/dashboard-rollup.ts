// The dashboard's rollups (api/src/core/dashboard/roll-up.ts): every minute, and once when the
// workers start, one job per served tenant that brings its rollups up to yesterday (local) and
// recomputes the days late rows changed. The job id names the minute, so a retried sweep queues a
// tenant once; a job of the last minute still running when the next arrives is harmless, since
// the runs are serialised per tenant and idempotent. Runs through the application role inside the
// tenant's unit of work, so RLS holds the job to that tenant's rows.
import { type DashboardRollupRun, rollUpDashboard } from "@maxl/api";
import { UnrecoverableError } from "bullmq";
import { z } from "zod";
import { queueNames } from "../queues.ts";
import { defineJob } from "./definition.ts";

export const DASHBOARD_SLOT_MS = 60_000;
const ENQUEUE_CHUNK = 500;

export const rollUpTenantDashboard = defineJob({
  queue: queueNames.loyalty,
  name: "dashboard.rollup-tenant",
  schema: z.object({ tenantId: z.uuid() }),
  async handle({ tenantId }, { engine }): Promise<DashboardRollupRun | { skipped: "suspended" }> {
    const tenant = await engine.db.withTenant(tenantId, (tx) =>
      tx.tenant.findUnique({ where: { id: tenantId }, select: { status: true } }),
    );
    if (!tenant) throw new UnrecoverableError(`no tenant ${tenantId}`);
    if (tenant.status === "suspended") return { skipped: "suspended" };
    return rollUpDashboard(engine, tenantId);
  },
});

export const dashboardRollupSweep = defineJob({
  queue: queueNames.loyalty,
  name: "dashboard.rollup-sweep",
  schema: z.object({}),
  schedule: { pattern: "* * * * *", data: {} },
  async handle(_data, { platformDb, engine, enqueueMany }) {
    const slot = Math.floor(engine.clock().getTime() / DASHBOARD_SLOT_MS);
    const tenants = await platformDb.prisma.tenant.findMany({
      where: { status: { in: ["active", "restricted"] } },
      select: { id: true },
      orderBy: { id: "asc" },
    });
    for (let start = 0; start < tenants.length; start += ENQUEUE_CHUNK) {
      await enqueueMany(
        queueNames.loyalty,
        tenants.slice(start, start + ENQUEUE_CHUNK).map((tenant) => ({
          name: rollUpTenantDashboard.name,
          data: { tenantId: tenant.id },
          options: { jobId: dashboardRollupJobId(tenant.id, slot) },
        })),
      );
    }
    return { slot, tenants: tenants.length };
  },
});

/** Dots, not colons: BullMQ refuses custom job ids containing ":". */
export function dashboardRollupJobId(tenantId: string, slot: number): string {
  return `dashboard.${tenantId}.${slot}`;
}
