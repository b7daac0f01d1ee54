// The rules a broadcast's content and audience must keep, checked before any write so staff get
// every problem at once as field errors: Telegram's HTML subset and its 4096-character limit
// (counted after the markup, as Telegram counts), levels and restaurants of this business, and a
// manager limited to restaurants reaching only their guests.
import { type FieldError, parseTelegramHtml, ServiceError, TELEGRAM_TEXT_LIMIT } from "@maxl/shared";
import type pg from "pg";
import type { Audience, BroadcastContent } from "./schemas.ts";

export function contentProblems(content: BroadcastContent): FieldError[] {
  const fields: FieldError[] = [];
  if (content.text.trim() === "") {
    fields.push({ path: "text", message: "must not be empty" });
    return fields;
  }
  if (content.format === "html") {
    const parsed = parseTelegramHtml(content.text);
    if (!parsed.ok) fields.push({ path: "text", message: `${parsed.message} (at character ${parsed.offset + 1})` });
    else if (parsed.length > TELEGRAM_TEXT_LIMIT) {
      fields.push({
        path: "text",
        message: `is ${parsed.length} characters without the markup; Telegram allows ${TELEGRAM_TEXT_LIMIT}`,
      });
    } else if (parsed.length === 0 || content.text.replace(/<[^>]*>/g, "").trim() === "") {
      fields.push({ path: "text", message: "must have some text besides the markup" });
    }
  } else if (content.text.length > TELEGRAM_TEXT_LIMIT) {
    fields.push({
      path: "text",
      message: `is ${content.text.length} characters; Telegram allows ${TELEGRAM_TEXT_LIMIT}`,
    });
  }
  return fields;
}

async function audienceProblems(
  client: pg.PoolClient,
  audience: Audience,
  scope: string[] | null,
): Promise<FieldError[]> {
  const fields: FieldError[] = [];
  if (audience.levelIds.length > 0) {
    const { rows } = await client.query<{ id: string }>(
      "SELECT id FROM levels WHERE tenant_id = app_current_tenant() AND id = ANY($1::uuid[])",
      [audience.levelIds],
    );
    const known = new Set(rows.map((row) => row.id));
    audience.levelIds.forEach((id, index) => {
      if (!known.has(id)) fields.push({ path: `audience.levelIds.${index}`, message: "no such level in this program" });
    });
  }
  if (audience.restaurantIds.length > 0) {
    const { rows } = await client.query<{ id: string }>(
      "SELECT id FROM restaurants WHERE tenant_id = app_current_tenant() AND id = ANY($1::uuid[])",
      [audience.restaurantIds],
    );
    const known = new Set(rows.map((row) => row.id));
    audience.restaurantIds.forEach((id, index) => {
      const path = `audience.restaurantIds.${index}`;
      if (!known.has(id)) fields.push({ path, message: "no such restaurant" });
      else if (scope !== null && !scope.includes(id))
        fields.push({ path, message: "you do not work for this restaurant" });
    });
  }
  if (audience.lastVisitAfter && audience.lastVisitBefore) {
    if (new Date(audience.lastVisitAfter) >= new Date(audience.lastVisitBefore)) {
      fields.push({ path: "audience.lastVisitBefore", message: "must be after lastVisitAfter" });
    }
  }
  return fields;
}

function refuse(fields: FieldError[]): never {
  throw new ServiceError("VALIDATION", fields.map((field) => `${field.path} ${field.message}`).join("; "), {
    key: "fields-invalid",
    fields,
  });
}

/**
 * The audience as it will be stored: a manager limited to restaurants who names none reaches the
 * guests of all of theirs (and never the whole business).
 */
export async function validateAudience(
  client: pg.PoolClient,
  audience: Audience,
  scope: string[] | null,
): Promise<Audience> {
  const fields = await audienceProblems(client, audience, scope);
  if (fields.length > 0) refuse(fields);
  const restaurantIds = [...new Set(audience.restaurantIds)];
  return {
    ...audience,
    levelIds: [...new Set(audience.levelIds)],
    restaurantIds: restaurantIds.length === 0 && scope !== null ? [...scope].sort() : restaurantIds,
  };
}

/** Both at once, so a form shows every problem together. */
export async function validateBroadcast(
  client: pg.PoolClient,
  content: BroadcastContent,
  audience: Audience,
  scope: string[] | null,
): Promise<Audience> {
  const fields = [...contentProblems(content), ...(await audienceProblems(client, audience, scope))];
  if (fields.length > 0) refuse(fields);
  return validateAudience(client, audience, scope);
}
