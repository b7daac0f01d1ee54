// "Send a test to me": the composed message, as guests will get it, from the business's bot to the
// staff member's own Telegram (linked through a staff invite). Nothing is stored but the audit
// row; one test per person every few seconds, so the button cannot flood the bot.
import { type SecretBox, secretContext } from "@maxl/db";
import { ServiceError } from "@maxl/shared";
import type { EngineDeps } from "../context.ts";
import type { StaffCall } from "./create-broadcast.ts";
import { sendMessageParams, telegramMessageOf } from "./message.ts";
import type { BroadcastContent } from "./schemas.ts";
import { contentProblems } from "./validate-broadcast.ts";

const TEST_INTERVAL_SECONDS = 5;

export interface TestMessageDeps {
  telegramApiRoot: string;
  secrets: SecretBox;
}

interface TelegramAnswer {
  ok: boolean;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number };
}

export async function sendTestMessage(
  deps: EngineDeps,
  telegram: TestMessageDeps,
  call: StaffCall<BroadcastContent>,
): Promise<{ sentTo: string }> {
  const { tenantId, actor, input } = call;
  const fields = contentProblems(input);
  if (fields.length > 0) {
    throw new ServiceError("VALIDATION", fields.map((field) => `${field.path} ${field.message}`).join("; "), {
      key: "fields-invalid",
      fields,
    });
  }
  const target = await deps.db.withTenant(tenantId, async (tx) => {
    const staff = await tx.staffUser.findUnique({
      where: { tenantId_id: { tenantId, id: actor.staffId } },
      select: { telegramUserId: true, name: true },
    });
    const bot = await tx.botConnection.findUnique({
      where: { tenantId },
      select: { tokenCiphertext: true, isActive: true },
    });
    return { staff, bot };
  });
  if (!target.bot?.isActive) {
    throw new ServiceError("CONFLICT", "Connect the business's Telegram bot first: broadcasts are sent through it.", {
      key: "error-broadcast-no-bot",
    });
  }
  if (!target.staff?.telegramUserId) {
    throw new ServiceError(
      "CONFLICT",
      "Your Telegram is not linked to the bot yet. Ask for a staff invite link on the Staff page and open it in Telegram.",
      { key: "error-broadcast-no-telegram" },
    );
  }
  const throttle = `${deps.settings.redisPrefix}:broadcast-test:${tenantId}:${actor.staffId}`;
  if ((await deps.redis.set(throttle, "1", "EX", TEST_INTERVAL_SECONDS, "NX")) !== "OK") {
    throw new ServiceError("RATE_LIMITED", `One test message every ${TEST_INTERVAL_SECONDS} seconds.`, {
      key: "broadcast-test-interval",
      vars: { seconds: TEST_INTERVAL_SECONDS },
      details: { retryAfterSeconds: TEST_INTERVAL_SECONDS },
    });
  }
  const token = telegram.secrets.decrypt(target.bot.tokenCiphertext, secretContext.botToken(tenantId));
  const chatId = Number(target.staff.telegramUserId);
  let answer: TelegramAnswer;
  try {
    const response = await fetch(`${telegram.telegramApiRoot}/bot${token}/sendMessage`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(sendMessageParams(chatId, telegramMessageOf(input))),
      signal: AbortSignal.timeout(10_000),
    });
    answer = (await response.json()) as TelegramAnswer;
  } catch {
    throw new ServiceError("UNAVAILABLE", "Telegram could not be reached. Try again in a minute.", {
      key: "telegram-unreachable",
    });
  }
  if (!answer.ok) {
    if (answer.error_code === 403) {
      throw new ServiceError(
        "CONFLICT",
        "Telegram says you have not started the bot (or blocked it). Open the bot, press Start, and try again.",
        {
          key: "error-broadcast-test-blocked",
        },
      );
    }
    if (answer.error_code === 429) {
      throw new ServiceError("RATE_LIMITED", "Telegram asks to slow down; try again in a little while.", {
        key: "telegram-slow-down",
        details: { retryAfterSeconds: answer.parameters?.retry_after ?? 30 },
      });
    }
    throw new ServiceError("VALIDATION", `Telegram refused the message: ${answer.description ?? "unknown reason"}`, {
      key: "broadcast-telegram-refused",
      vars: { reason: answer.description ?? "unknown reason" },
      fields: [{ path: "text", message: answer.description ?? "refused by Telegram" }],
    });
  }
  await deps.db.withTenant(tenantId, (tx) =>
    tx.auditLogEntry.create({
      data: {
        tenantId,
        actorKind: "staff",
        actorStaffId: actor.staffId,
        action: "broadcast.test_sent",
        entityType: "broadcast",
        ip: actor.ip ?? null,
        userAgent: actor.userAgent ?? null,
        changes: { length: input.text.length, format: input.format },
      },
    }),
  );
  return { sentTo: target.staff.name };
}
