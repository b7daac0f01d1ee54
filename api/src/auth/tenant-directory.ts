// Lookups every Mini App request needs before it can be scoped to a tenant: the tenant behind the
// X-Tenant slug, and that tenant's bot token to check the launch data with. Both change rarely,
// so they are kept in memory for a minute (a disconnected bot stops working within that minute).
import { type Db, type SecretBox, secretContext } from "@maxl/db";
import { LRUCache } from "lru-cache";

export interface TenantDirectory {
  tenantIdBySlug(slug: string): Promise<string | null>;
  botToken(tenantId: string): Promise<string | null>;
}

const MISSING = "";

export function createTenantDirectory(db: Db, secrets: SecretBox, ttlMs = 60_000): TenantDirectory {
  const slugs = new LRUCache<string, string>({
    max: 10_000,
    ttl: ttlMs,
    fetchMethod: async (slug) => (await db.tenantIdBySlug(slug)) ?? MISSING,
  });
  const tokens = new LRUCache<string, string>({
    max: 10_000,
    ttl: ttlMs,
    fetchMethod: async (tenantId) => {
      const connection = await db.withTenant(tenantId, (tx) => tx.botConnection.findUnique({ where: { tenantId } }));
      if (!connection?.isActive) return MISSING;
      return secrets.decrypt(connection.tokenCiphertext, secretContext.botToken(tenantId));
    },
  });
  return {
    async tenantIdBySlug(slug) {
      return (await slugs.fetch(slug)) || null;
    },
    async botToken(tenantId) {
      return (await tokens.fetch(tenantId)) || null;
    },
  };
}
