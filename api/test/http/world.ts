// A tenant as the HTTP API meets it: program, levels, a restaurant, staff with passwords, a
// connected bot whose token signs Mini App launch data, and helpers to call the app as them.
import { randomUUID } from "node:crypto";
import { createSecretBox, hashPassword, secretContext } from "@maxl/db";
import { createTestTenant } from "@maxl/db/testing";
import { uuidv7 } from "uuidv7";
import { signInitData } from "../../src/auth/init-data.ts";
import { issueStaffToken } from "../../src/auth/staff-token.ts";
import type { StaffRole } from "../../src/core/context.ts";
import { TEST_ENCRYPTION_KEY, type TestApp } from "../support.ts";

export interface World {
  tenantId: string;
  slug: string;
  /** the connected bot's token; stored only when the world is built with a bot (the default) */
  botToken: string;
  restaurantId: string;
  staff: Record<StaffRole, { id: string; email: string; password: string }>;
  /** an access token for a role, as if signed in now (with the member's current access generation) */
  tokenFor(role: StaffRole): Promise<string>;
  /** a staff member's current access generation, which their access tokens must carry */
  generationOf(staffId: string): Promise<number>;
  /** Mini App launch data for a Telegram user, signed with this tenant's bot token */
  initData(user: { id: number; first_name?: string; language_code?: string }, authDate?: Date): string;
}

let botSerial = 0;

export async function buildWorld(
  test: TestApp,
  clock: () => Date = () => new Date(),
  options: { bot?: boolean } = {},
): Promise<World> {
  const tenant = await createTestTenant(test.db, "HTTP tenant");
  const tenantId = tenant.id;
  const secrets = createSecretBox(Buffer.from(TEST_ENCRYPTION_KEY, "base64"));
  botSerial += 1;
  const botId = 8_000_000_000n + BigInt(Date.now() % 1_000_000_000) * 10n + BigInt(botSerial % 10);
  const botToken = `${botId}:AAtest_${randomUUID().replaceAll("-", "")}`;
  const restaurantId = uuidv7();
  const roles: StaffRole[] = ["owner", "admin", "manager", "cashier"];
  const staff = Object.fromEntries(
    roles.map((role) => [
      role,
      { id: uuidv7(), email: `${role}-${randomUUID()}@http.test`, password: `${role}-password-1` },
    ]),
  ) as World["staff"];
  const hashes = await Promise.all(roles.map((role) => hashPassword(staff[role].password)));
  await test.db.withTenant(tenantId, async (tx) => {
    await tx.loyaltyProgram.create({ data: { tenantId, pointsLifetimeDays: 365 } });
    await tx.level.createMany({
      data: [
        { tenantId, name: "Bronze", rank: 0, thresholdMinor: 0n, earnRateBps: 500 },
        { tenantId, name: "Silver", rank: 1, thresholdMinor: 1_000_000n, earnRateBps: 700 },
      ],
    });
    await tx.restaurant.create({ data: { tenantId, id: restaurantId, name: "Main hall" } });
    await tx.staffUser.createMany({
      data: roles.map((role, index) => ({
        tenantId,
        id: staff[role].id,
        email: staff[role].email,
        passwordHash: hashes[index] ?? null,
        name: `${role} person`,
        role,
      })),
    });
    if (options.bot !== false) {
      await tx.botConnection.create({
        data: {
          tenantId,
          botId,
          botUsername: "http_test_bot",
          tokenCiphertext: secrets.encrypt(botToken, secretContext.botToken(tenantId)),
          webhookSecretCiphertext: secrets.encrypt("hook", secretContext.botWebhookSecret(tenantId)),
        },
      });
    }
  });
  const generationOf = async (staffId: string) => {
    const row = await test.db.withTenant(tenantId, (tx) =>
      tx.staffUser.findUniqueOrThrow({ where: { tenantId_id: { tenantId, id: staffId } } }),
    );
    return row.accessGeneration;
  };
  return {
    tenantId,
    slug: tenant.slug,
    botToken,
    restaurantId,
    staff,
    // Signed at real time: tokens are checked against the real clock, whatever the test's clock says.
    tokenFor: async (role) =>
      issueStaffToken(
        { staffId: staff[role].id, tenantId, role, generation: await generationOf(staff[role].id) },
        test.config.auth.jwtSecret,
        new Date(),
      ),
    generationOf,
    initData: (user, authDate = clock()) =>
      signInitData(
        {
          query_id: `AAE${randomUUID().slice(0, 8)}`,
          user: JSON.stringify(user),
          auth_date: String(Math.floor(authDate.getTime() / 1000)),
          signature: "c2lnbmF0dXJlLWZpZWxkLWluY2x1ZGVk",
        },
        botToken,
      ),
  };
}

export const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  body: JSON.stringify(body),
  headers: { "Content-Type": "application/json", ...headers },
});

export const key = () => ({ "Idempotency-Key": randomUUID() });
