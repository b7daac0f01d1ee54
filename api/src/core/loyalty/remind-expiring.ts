// Reminders: the program's expiry_reminder_days before points expire, one points.expiring event
// per guest and expiry instant, listing how many points go and the last local day to use them.
// The outbox's dedupe key makes each reminder go out once however often this runs.
import type { EngineDeps } from "../context.ts";

export async function remindExpiringPoints(deps: EngineDeps, tenantId: string): Promise<number> {
  const at = deps.clock();
  return deps.db.withTenantClient(tenantId, async (client) => {
    const { rowCount } = await client.query(
      `INSERT INTO outbox_events (tenant_id, type, payload, dedupe_key, created_at)
       SELECT app_current_tenant(), 'points.expiring',
              jsonb_build_object(
                'guestId', l.guest_id,
                'points', sum(l.remaining_points),
                'expiresAt', to_char(l.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                'lastDay', to_char((l.expires_at AT TIME ZONE t.time_zone) - interval '1 day', 'YYYY-MM-DD'),
                'at', to_char($1::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
              'points.expiring:' || l.guest_id || ':' || to_char(l.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'),
              $1
         FROM point_lots l
         JOIN loyalty_programs p ON p.tenant_id = l.tenant_id
         JOIN tenants t ON t.id = l.tenant_id
        WHERE l.tenant_id = app_current_tenant() AND l.remaining_points > 0 AND p.expiry_reminder_days > 0
          AND l.expires_at > $1 AND l.expires_at <= $1::timestamptz + make_interval(days => p.expiry_reminder_days)
        GROUP BY l.guest_id, l.expires_at, t.time_zone
       ON CONFLICT (tenant_id, dedupe_key) DO NOTHING`,
      [at],
    );
    return rowCount ?? 0;
  });
}
