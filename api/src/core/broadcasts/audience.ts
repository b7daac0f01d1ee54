// Who a broadcast reaches: guests who can be written to at all (a Telegram account behind the
// card, notifications on, the bot not blocked, consent given), narrowed by the filters. The same
// SQL counts the audience for the admin view and expands it into deliveries in the workers, so
// the number staff confirm is the number the workers start from.
import type pg from "pg";
import type { EngineDeps, StaffRole } from "../context.ts";
import { restaurantScope } from "../staff/restaurant-scope.ts";
import type { Audience } from "./schemas.ts";
import { validateAudience } from "./validate-broadcast.ts";

/**
 * The WHERE clause over guests `g` for an audience, with its parameters numbered from
 * `first`. Guests who never visited match no last-visit filter.
 */
export function audienceWhere(audience: Audience, first = 1): { sql: string; values: unknown[] } {
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${first + values.length - 1}`;
  };
  const where = [
    "g.tenant_id = app_current_tenant()",
    "g.telegram_user_id IS NOT NULL",
    "g.notifications_enabled",
    "g.bot_blocked_at IS NULL",
    "g.consent_at IS NOT NULL",
  ];
  if (audience.levelIds.length > 0) where.push(`g.level_id = ANY(${param(audience.levelIds)}::uuid[])`);
  if (audience.restaurantIds.length > 0) {
    const ids = param(audience.restaurantIds);
    // The last visit's restaurant is the latest sale check's (index checks (tenant_id, guest_id, closed_at)).
    where.push(`(g.signup_restaurant_id = ANY(${ids}::uuid[])
      OR (SELECT c.restaurant_id FROM checks c
           WHERE c.tenant_id = g.tenant_id AND c.guest_id = g.id AND c.kind = 'sale'
           ORDER BY c.closed_at DESC LIMIT 1) = ANY(${ids}::uuid[]))`);
  }
  if (audience.lastVisitAfter) where.push(`g.last_visit_at >= ${param(audience.lastVisitAfter)}::timestamptz`);
  if (audience.lastVisitBefore) where.push(`g.last_visit_at < ${param(audience.lastVisitBefore)}::timestamptz`);
  if (audience.minBalance !== null) where.push(`g.balance >= ${param(audience.minBalance)}::int`);
  return { sql: where.join(" AND "), values };
}

export async function countAudienceIn(client: pg.PoolClient, audience: Audience): Promise<number> {
  const { sql, values } = audienceWhere(audience);
  const { rows } = await client.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM guests g WHERE ${sql}`,
    values,
  );
  return rows[0]?.count ?? 0;
}

/** How many guests an audience reaches now; a manager's is narrowed to their restaurants. */
export async function countAudience(
  deps: EngineDeps,
  staff: { tenantId: string; staffId: string; role: StaffRole },
  audience: Audience,
): Promise<{ recipients: number; audience: Audience }> {
  const scope = await restaurantScope(deps, staff);
  return deps.db.withTenantClient(staff.tenantId, async (client) => {
    const effective = await validateAudience(client, audience, scope);
    return { recipients: await countAudienceIn(client, effective), audience: effective };
  });
}
