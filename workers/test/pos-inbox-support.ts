// The POS inbox as the retention tests meet it: checks delivered through the signed webhook and
// settled by the real processing; then moved back in time, or left dead, as time and repeated
// failures would leave them.
import { type EngineDeps, processPosEvents } from "@maxl/api";
import type { PosCheckInput } from "@maxl/shared";
import { expect } from "vitest";
import type { World } from "../../api/test/http/world.ts";
import { type Connected, postCheck } from "../../api/test/pos/pos-support.ts";
import type { TestApp } from "../../api/test/support.ts";

export interface IntegrationStatusView {
  id: string;
  lastEventAt: string | null;
  counts: Record<string, number>;
  eventsPurgedBefore: string | null;
}

export function posInbox(test: TestApp, engine: EngineDeps) {
  return {
    /** Posts checks as the POS would; answers the stored events' ids by external id. */
    async deliver(tenantId: string, pos: Connected, checks: PosCheckInput[]): Promise<Map<string, string>> {
      for (const check of checks) {
        expect((await postCheck(test, pos.integrationId, pos.secret, check)).status).toBe(202);
      }
      const { rows } = await test.db.withTenantClient(tenantId, (client) =>
        client.query<{ id: string; event_id: string }>(
          "SELECT id, event_id FROM pos_events WHERE integration_id = $1 AND event_id = ANY($2::text[])",
          [pos.integrationId, checks.map((check) => check.externalId)],
        ),
      );
      return new Map(rows.map((row) => [row.event_id, row.id]));
    },

    /** What the workers do with the events: processed, rejected, unidentified, awaiting a sale. */
    async settle(tenantId: string, ids: string[]): Promise<void> {
      await processPosEvents(engine, tenantId, ids, { maxAttempts: 8 });
    },

    /** Moves events back in time, as if the POS had sent them `days` ago. */
    async age(tenantId: string, ids: string[], days: number): Promise<void> {
      await test.db.withTenantClient(tenantId, (client) =>
        client.query(
          `UPDATE pos_events SET received_at = received_at - make_interval(days => $2),
                  processed_at = processed_at - make_interval(days => $2)
            WHERE id = ANY($1::uuid[])`,
          [ids, days],
        ),
      );
    },

    /** What processing leaves after an event's last attempt failed: a dead letter. */
    async die(tenantId: string, id: string): Promise<void> {
      await test.db.withTenantClient(tenantId, (client) =>
        client.query(
          `UPDATE pos_events SET status = 'dead', attempts = 8,
                  last_error = 'Gave up after 8 attempts: connection reset'
            WHERE id = $1`,
          [id],
        ),
      );
    },

    /** The integration's events as { externalId: status }. */
    async statuses(tenantId: string, integrationId: string): Promise<Record<string, string>> {
      const { rows } = await test.db.withTenantClient(tenantId, (client) =>
        client.query<{ event_id: string; status: string }>(
          "SELECT event_id, status::text FROM pos_events WHERE integration_id = $1 ORDER BY event_id",
          [integrationId],
        ),
      );
      return Object.fromEntries(rows.map((row) => [row.event_id, row.status]));
    },

    /** The status page, as the tenant's owner reads it. */
    async statusPage(world: World, integrationId: string): Promise<IntegrationStatusView | undefined> {
      const response = await test.app.request("/api/v1/integrations", {
        headers: { Authorization: `Bearer ${await world.tokenFor("owner")}` },
      });
      expect(response.status).toBe(200);
      const { integrations } = (await response.json()) as { integrations: IntegrationStatusView[] };
      return integrations.find((one) => one.id === integrationId);
    },
  };
}
