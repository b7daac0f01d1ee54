// Where conversations keep their state between updates: Redis, so a half-finished onboarding or
// till check survives a restart and any instance of the bot process can continue it. Keys are
// per tenant and chat: a guest's private chat id is their user id, the same in every tenant's
// bot, so the tenant must be part of the key.
import type { ConversationData, VersionedStateStorage } from "@grammyjs/conversations";
import type { Redis } from "ioredis";

/** Abandoned conversations are forgotten after a week; what onboarding saved stays in the DB. */
const TTL_SECONDS = 7 * 24 * 3600;

/** Keys arrive prefixed by the conversations plugin's storage `prefix`. */
export function redisConversationStorage(redis: Redis): VersionedStateStorage<string, ConversationData> {
  return {
    async read(key) {
      const raw = await redis.get(key);
      return raw === null ? undefined : JSON.parse(raw);
    },
    async write(key, state) {
      await redis.set(key, JSON.stringify(state), "EX", TTL_SECONDS);
    },
    async delete(key) {
      await redis.del(key);
    },
  };
}
