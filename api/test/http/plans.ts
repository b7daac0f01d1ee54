// Puts a test tenant on a plan, as the billing state machine would after a payment. Without it a
// tenant is on its implicit trial (one restaurant, five staff); tests about something else than
// plan limits put their tenant on the unlimited plan.
import type { TestApp } from "../support.ts";

export type SubscriptionStatus = "trialing" | "active" | "past_due" | "restricted" | "canceled";

const DAY_MS = 86_400_000;

export async function putOnPlan(
  test: Pick<TestApp, "db">,
  tenantId: string,
  planId: string,
  status: SubscriptionStatus = "active",
): Promise<void> {
  const now = Date.now();
  const ended = status === "past_due" || status === "restricted" || status === "canceled";
  await test.db.withTenant(tenantId, (tx) =>
    tx.subscription.create({
      data: {
        tenantId,
        planId,
        status,
        currentPeriodStart: new Date(now - (ended ? 40 : 10) * DAY_MS),
        currentPeriodEnd: new Date(now + (ended ? -10 : 20) * DAY_MS),
        graceUntil:
          status === "past_due"
            ? new Date(now + 3 * DAY_MS)
            : status === "restricted"
              ? new Date(now - 3 * DAY_MS)
              : null,
      },
    }),
  );
}
