// pnpm db:seed: creates the demo tenant (or refreshes its credentials if it exists).
import { env, parseEnv } from "@maxl/shared";
import { z } from "zod";
import { createDb } from "../client.ts";
import { createSecretBox, encryptionKeySchema } from "../security/secrets.ts";
import { demoDefaults } from "../seed/defaults.ts";
import { DEMO_SLUG, demoIds, parseBotId, seedDemo } from "../seed/demo.ts";
import { verifyDatabase } from "../startup.ts";
import { runCli } from "./run.ts";

const seedEnv = z.object({
  DATABASE_URL: env.postgresUrl,
  APP_ENCRYPTION_KEY: encryptionKeySchema,
  DEMO_BOT_TOKEN: z
    .string()
    .default(demoDefaults.DEMO_BOT_TOKEN)
    .refine((token) => {
      try {
        parseBotId(token);
        return true;
      } catch {
        return false;
      }
    }, 'must look like a BotFather token, "123456789:AA..."'),
  DEMO_POS_SECRET: z.string().min(16, "must be at least 16 characters").default(demoDefaults.DEMO_POS_SECRET),
  DEMO_OWNER_EMAIL: z.email().default(demoDefaults.DEMO_OWNER_EMAIL),
  DEMO_OWNER_PASSWORD: z.string().min(8, "must be at least 8 characters").default(demoDefaults.DEMO_OWNER_PASSWORD),
  DEMO_CASHIER_EMAIL: z.email().default(demoDefaults.DEMO_CASHIER_EMAIL),
  DEMO_CASHIER_PASSWORD: z.string().min(8, "must be at least 8 characters").default(demoDefaults.DEMO_CASHIER_PASSWORD),
  DEMO_GUESTS: env.nonNegativeInt.max(100_000).default(demoDefaults.DEMO_GUESTS),
});

await runCli("db:seed", async () => {
  const config = parseEnv(seedEnv, process.env);
  await verifyDatabase({ url: config.DATABASE_URL, variable: "DATABASE_URL", role: "maxl_app" });
  const db = createDb({ url: config.DATABASE_URL, applicationName: "maxloyalty-seed" });
  try {
    const started = performance.now();
    const result = await seedDemo(db, createSecretBox(config.APP_ENCRYPTION_KEY), {
      botToken: config.DEMO_BOT_TOKEN,
      posSecret: config.DEMO_POS_SECRET,
      ownerEmail: config.DEMO_OWNER_EMAIL,
      ownerPassword: config.DEMO_OWNER_PASSWORD,
      cashierEmail: config.DEMO_CASHIER_EMAIL,
      cashierPassword: config.DEMO_CASHIER_PASSWORD,
      guestCount: config.DEMO_GUESTS,
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      result.created
        ? `db:seed: created tenant "${DEMO_SLUG}" with ${result.guests} guests in ${seconds} s`
        : `db:seed: tenant "${DEMO_SLUG}" already exists (${result.guests} guests); refreshed its demo credentials`,
    );
    console.log(`db:seed: owner login ${config.DEMO_OWNER_EMAIL}, cashier login ${config.DEMO_CASHIER_EMAIL}`);
    console.log(`db:seed: generic POS integration ${demoIds.posIntegration} (secret: DEMO_POS_SECRET)`);
  } finally {
    await db.close();
  }
});
