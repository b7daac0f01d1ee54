// What the billing verbs need beside the engine: the settings, and YooKassa when it is configured.
import { ServiceError } from "@maxl/shared";
import type { EngineDeps } from "../context.ts";
import type { BillingSettings } from "./settings.ts";
import { createYooKassaClient, type YooKassaClient } from "./yookassa-client.ts";

export interface BillingDeps extends EngineDeps {
  billing: BillingSettings;
  /** null when billing is off (no shop id): dev and demo work without it */
  yookassa: YooKassaClient | null;
}

export function createBillingDeps(
  engine: EngineDeps,
  billing: BillingSettings,
  yookassa: YooKassaClient | null = billing.yookassa ? createYooKassaClient(billing.yookassa) : null,
): BillingDeps {
  return { ...engine, billing, yookassa };
}

/** Refuses when billing is off, with the answer every billing route gives then (503). */
export function requireYooKassa(deps: BillingDeps): YooKassaClient {
  if (!deps.yookassa) {
    throw new ServiceError("UNAVAILABLE", "Billing is not configured on this platform (no YooKassa shop).", {
      key: "billing-not-configured",
    });
  }
  return deps.yookassa;
}
