// Birthday bonus: once a year, for each registered guest whose birthday falls within the
// program's window (days before to days after), in the tenant's local calendar. A 29 February
// birthday is celebrated on 28 February in other years. A guest beyond the plan's guest limit of
// a restricted tenant gets nothing now; a run within the window after the tenant pays gives it.
import { formatLocalDate, localDateOf } from "@maxl/shared";
import type { EngineDeps } from "../context.ts";
import { grantBonus, isPlanGuestLimit } from "./grant-bonus.ts";

export async function grantBirthdayBonuses(deps: EngineDeps, tenantId: string): Promise<number> {
  const at = deps.clock();
  const due = await deps.db.withTenantClient(tenantId, async (client) => {
    const program = await client.query<{
      points: number;
      before: number;
      after: number;
      time_zone: string;
    }>(
      `SELECT p.birthday_bonus_points AS points, p.birthday_days_before AS before, p.birthday_days_after AS after, t.time_zone
         FROM loyalty_programs p JOIN tenants t ON t.id = p.tenant_id WHERE p.tenant_id = app_current_tenant()`,
    );
    const rules = program.rows[0];
    if (!rules || rules.points <= 0) return null;
    const today = formatLocalDate(localDateOf(at, rules.time_zone));
    // today is within [birthday - before, birthday + after]  <=>  birthday is within [today - after, today + before]
    const { rows } = await client.query<{ id: string; celebrated: string }>(
      `WITH days AS (
         SELECT ($1::date + d) AS day FROM generate_series(-$2::int, $3::int) AS d
       )
       SELECT g.id, to_char(days.day, 'YYYY-MM-DD') AS celebrated
         FROM guests g JOIN days
           ON to_char(days.day, 'MM-DD') =
              CASE WHEN to_char(g.birthday, 'MM-DD') = '02-29'
                        AND NOT (extract(year FROM days.day)::int % 4 = 0
                                 AND (extract(year FROM days.day)::int % 100 <> 0 OR extract(year FROM days.day)::int % 400 = 0))
                   THEN '02-28' ELSE to_char(g.birthday, 'MM-DD') END
        WHERE g.tenant_id = app_current_tenant() AND g.birthday IS NOT NULL AND g.consent_at IS NOT NULL`,
      [today, rules.after, rules.before],
    );
    return { points: rules.points, guests: rows };
  });
  if (!due) return 0;
  let granted = 0;
  for (const guest of due.guests) {
    try {
      const outcome = await grantBonus(deps, {
        tenantId,
        guestId: guest.id,
        points: due.points,
        reason: "birthday",
        idempotencyKey: `birthday:${guest.id}:${guest.celebrated.slice(0, 4)}`,
      });
      if (!outcome.replayed) granted += 1;
    } catch (error) {
      if (!isPlanGuestLimit(error)) throw error;
    }
  }
  return granted;
}
