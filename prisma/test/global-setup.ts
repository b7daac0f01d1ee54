import { Redis } from "ioredis";
import { resetTestDatabase, testServices } from "../src/testing/index.ts";

export default async function setup(): Promise<void> {
  const services = testServices();
  await resetTestDatabase(services);
  const redis = new Redis(services.redisUrl, { maxRetriesPerRequest: 1 });
  try {
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}
