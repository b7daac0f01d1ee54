// A POS integration as the intake and the workers need it: its kind, settings, default
// restaurant and opened secrets. Every webhook needs this before it can check a signature, so it
// is kept in memory briefly: a rotated secret is still accepted through its grace period, and a
// deactivated integration stops within `ttlMs`.
import { type Db, type SecretBox, secretContext } from "@maxl/db";
import { LRUCache } from "lru-cache";
import { z } from "zod";

export type PosKind = "generic" | "iiko" | "rkeeper";

/** Settings every kind shares (beside each vendor's own). */
export const commonPosSettingsSchema = z.object({
  /** the POS's restaurant ids (iiko organisation / terminal group, r_keeper code) → ours */
  restaurantMap: z.record(z.string(), z.uuid()).default({}),
  /** how long after a check closed staff may still attach it to a guest */
  attachWindowHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(72),
});
export type CommonPosSettings = z.infer<typeof commonPosSettingsSchema>;

export interface PosIntegration {
  tenantId: string;
  id: string;
  kind: PosKind;
  name: string;
  isActive: boolean;
  /** where checks go when the POS names no mapped restaurant */
  restaurantId: string | null;
  /** the kind's raw settings (validated by the adapter that reads them) */
  config: Record<string, unknown>;
  common: CommonPosSettings;
  /** the webhook secret (generic), auth token (iiko) or URL token (r_keeper) */
  secret: string;
  /** the secret before the last rotation, while its grace period lasts */
  previousSecret: { value: string; validUntil: Date } | null;
}

export interface PosIntegrations {
  /** The active integration with this id (whichever tenant owns it), or null. */
  find(integrationId: string): Promise<PosIntegration | null>;
  /** Forgets a cached integration, e.g. after its secret was rotated in this process. */
  forget(integrationId: string): void;
}

interface IntegrationRow {
  tenantId: string;
  id: string;
  kind: PosKind;
  name: string;
  isActive: boolean;
  restaurantId: string | null;
  config: unknown;
  secretCiphertext: string;
  previousSecretCiphertext: string | null;
  previousSecretValidUntil: Date | null;
}

export function openIntegration(row: IntegrationRow, secrets: SecretBox): PosIntegration {
  const context = secretContext.posSecret(row.tenantId, row.id);
  const config = (row.config && typeof row.config === "object" ? row.config : {}) as Record<string, unknown>;
  const common = commonPosSettingsSchema.safeParse(config);
  return {
    tenantId: row.tenantId,
    id: row.id,
    kind: row.kind,
    name: row.name,
    isActive: row.isActive,
    restaurantId: row.restaurantId,
    config,
    common: common.success ? common.data : commonPosSettingsSchema.parse({}),
    secret: secrets.decrypt(row.secretCiphertext, context),
    previousSecret:
      row.previousSecretCiphertext && row.previousSecretValidUntil
        ? { value: secrets.decrypt(row.previousSecretCiphertext, context), validUntil: row.previousSecretValidUntil }
        : null,
  };
}

export function createPosIntegrations(db: Db, secrets: SecretBox, ttlMs = 10_000): PosIntegrations {
  const cache = new LRUCache<string, PosIntegration | false>({
    max: 10_000,
    ttl: ttlMs,
    fetchMethod: async (integrationId) => {
      const tenantId = await db.posIntegrationTenant(integrationId);
      if (!tenantId) return false;
      const row = await db.withTenant(tenantId, (tx) =>
        tx.posIntegration.findUnique({ where: { tenantId_id: { tenantId, id: integrationId } } }),
      );
      if (!row?.isActive) return false;
      return openIntegration(row, secrets);
    },
  });
  return {
    async find(integrationId) {
      return (await cache.fetch(integrationId)) || null;
    },
    forget(integrationId) {
      cache.delete(integrationId);
    },
  };
}

/** Our restaurant for a check: the mapped POS restaurant id, else the integration's default. */
export function restaurantFor(integration: PosIntegration, restaurantExternalId: string | undefined): string | null {
  if (restaurantExternalId) {
    const mapped = integration.common.restaurantMap[restaurantExternalId];
    if (mapped) return mapped;
  }
  return integration.restaurantId;
}
