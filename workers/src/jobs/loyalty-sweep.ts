// Every five minutes: one maintain-tenant job for each tenant still served (active or
// restricted). The job id names the five-minute slot, so a retried sweep, or a second sweep in
// the same slot, queues a tenant once.
import { z } from "zod";
import { queueNames } from "../queues.ts";
import { defineJob } from "./definition.ts";
import { maintainTenant } from "./maintain-tenant.ts";

export const MAINTENANCE_SLOT_MS = 5 * 60_000;

// Adds go to Redis in pipelines of this many, so a large platform is not one huge command.
const ENQUEUE_CHUNK = 500;

export const loyaltySweep = defineJob({
  queue: queueNames.loyalty,
  name: "loyalty.sweep",
  schema: z.object({}),
  schedule: { pattern: "*/5 * * * *", data: {} },
  async handle(_data, { platformDb, engine, enqueueMany }) {
    const slot = maintenanceSlot(engine.clock());
    const tenants = await platformDb.prisma.tenant.findMany({
      where: { status: { in: ["active", "restricted"] } },
      select: { id: true },
      orderBy: { id: "asc" },
    });
    for (let start = 0; start < tenants.length; start += ENQUEUE_CHUNK) {
      await enqueueMany(
        queueNames.loyalty,
        tenants.slice(start, start + ENQUEUE_CHUNK).map((tenant) => ({
          name: maintainTenant.name,
          data: { tenantId: tenant.id },
          options: { jobId: maintenanceJobId(tenant.id, slot) },
        })),
      );
    }
    return { slot, tenants: tenants.length };
  },
});

export function maintenanceSlot(at: Date): number {
  return Math.floor(at.getTime() / MAINTENANCE_SLOT_MS);
}

/** Dots, not colons: BullMQ refuses custom job ids containing ":". */
export function maintenanceJobId(tenantId: string, slot: number): string {
  return `maintain.${tenantId}.${slot}`;
}
