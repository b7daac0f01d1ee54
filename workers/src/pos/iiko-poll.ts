// Catching up on iiko: a missed or refused webhook must not lose a check, so every iiko
// integration with polling on asks deliveries/by_revision for what changed since its stored
// revision, and stores the closed orders in the same inbox. An order seen by both ways has the
// same event id ("order:<iiko id>"), so it is stored and credited once.
//
// A scheduler job runs every minute and fans out one job per integration that is due; each keeps
// its cursor (`revision`) and the time of its last poll in the integration's settings. A failed
// poll is recorded on the integration (its status page shows it) and retried at the next turn:
// the cursor only moves once the orders it covers are stored.
import {
  apiLoginContext,
  iikoOrderEvents,
  iikoSettingsSchema,
  openIntegration,
  type PosIntegration,
  storePosEvents,
} from "@maxl/api";
import type { SecretBox } from "@maxl/db";
import { z } from "zod";
import { defineJob, type JobDeps } from "../jobs/definition.ts";
import { queueNames } from "../queues.ts";
import { createIikoClient, type IikoClient } from "./iiko-client.ts";

/** iiko access tokens live an hour; one client per integration keeps its token between polls. */
export interface IikoClients {
  clientFor(integration: PosIntegration, secrets: SecretBox, baseUrl: string): IikoClient;
}

export function createIikoClients(): IikoClients {
  const clients = new Map<string, { apiLogin: string; baseUrl: string; client: IikoClient }>();
  return {
    clientFor(integration, secrets, baseUrl) {
      const sealed = integration.config.apiLoginCiphertext;
      if (typeof sealed !== "string") throw new Error("the integration has no iiko API login");
      const apiLogin = secrets.decrypt(sealed, apiLoginContext(integration.tenantId, integration.id));
      const cached = clients.get(integration.id);
      if (cached && cached.apiLogin === apiLogin && cached.baseUrl === baseUrl) return cached.client;
      // A changed login or address gets a new client (and a new token).
      const client = createIikoClient({ baseUrl, apiLogin });
      clients.set(integration.id, { apiLogin, baseUrl, client });
      return client;
    },
  };
}

export interface PollResult {
  polled: boolean;
  orders: number;
  stored: number;
  revision: number | null;
  error?: string;
}

export async function pollIikoIntegration(
  deps: Pick<JobDeps, "engine" | "secrets" | "logger">,
  clients: IikoClients,
  tenantId: string,
  integrationId: string,
  options: { force?: boolean } = {},
): Promise<PollResult> {
  const { engine } = deps;
  const row = await engine.db.withTenant(tenantId, (tx) =>
    tx.posIntegration.findUnique({ where: { tenantId_id: { tenantId, id: integrationId } } }),
  );
  if (!row?.isActive || row.kind !== "iiko") return { polled: false, orders: 0, stored: 0, revision: null };
  const integration = openIntegration(row, deps.secrets);
  const settings = iikoSettingsSchema.safeParse(integration.config);
  if (!settings.success || !settings.data.pollingEnabled) {
    return { polled: false, orders: 0, stored: 0, revision: null };
  }
  const now = engine.clock();
  const lastPolledAt = Date.parse(String(integration.config.lastPolledAt ?? ""));
  const due =
    Number.isNaN(lastPolledAt) || now.getTime() - lastPolledAt >= settings.data.pollIntervalSeconds * 1000 - 1_000;
  if (!due && !options.force) return { polled: false, orders: 0, stored: 0, revision: null };
  const startRevision = Number(integration.config.revision ?? 0) || 0;
  try {
    const client = clients.clientFor(integration, deps.secrets, settings.data.apiBaseUrl);
    const answer = await client.deliveriesByRevision({ organizationIds: settings.data.organizationIds, startRevision });
    const orders = answer.ordersByOrganizations.flatMap((group) => group.orders ?? []);
    const events = orders.flatMap((order) => iikoOrderEvents(order, settings.data));
    const stored = await storePosEvents(engine, integration, events);
    const revision = Math.max(startRevision, Number(answer.maxRevision) || 0);
    await engine.db.withTenantClient(tenantId, (client) =>
      client.query(
        `UPDATE pos_integrations
            SET config = config || jsonb_build_object('revision', $2::bigint, 'lastPolledAt', $3::text),
                last_error = NULL, last_error_at = NULL
          WHERE tenant_id = app_current_tenant() AND id = $1`,
        [integrationId, revision, now.toISOString()],
      ),
    );
    return { polled: true, orders: orders.length, stored: stored.stored.length, revision };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.logger.warn({ err: error, tenantId, integrationId }, "iiko polling failed");
    await engine.db.withTenantClient(tenantId, (client) =>
      client.query(
        `UPDATE pos_integrations
            SET config = config || jsonb_build_object('lastPolledAt', $3::text), last_error = $2, last_error_at = $4
          WHERE tenant_id = app_current_tenant() AND id = $1`,
        [integrationId, `Polling iiko failed: ${message}`.slice(0, 1_000), now.toISOString(), now],
      ),
    );
    return { polled: true, orders: 0, stored: 0, revision: startRevision, error: message };
  }
}

const POLL_INTEGRATION = "pos.iiko-poll-integration";

function pollIikoIntegrationJob(clients: IikoClients) {
  return defineJob({
    queue: queueNames.pos,
    name: POLL_INTEGRATION,
    schema: z.object({ tenantId: z.uuid(), integrationId: z.uuid() }),
    handle: (data, deps) => pollIikoIntegration(deps, clients, data.tenantId, data.integrationId),
  });
}

export const pollIikoJob = defineJob({
  queue: queueNames.pos,
  name: "pos.iiko-poll",
  schema: z.object({}),
  schedule: { pattern: "* * * * *", data: {} },
  async handle(_data, deps) {
    // The few columns needed to fan out, read across tenants by the platform role.
    const { rows } = await deps.platformDb.pool.query<{ tenant_id: string; id: string }>(
      `SELECT tenant_id, id FROM pos_integrations
        WHERE kind = 'iiko' AND is_active AND coalesce((config->>'pollingEnabled')::boolean, true)`,
    );
    const minute = Math.floor(deps.engine.clock().getTime() / 60_000);
    await deps.enqueueMany(
      queueNames.pos,
      rows.map((row) => ({
        name: POLL_INTEGRATION,
        data: { tenantId: row.tenant_id, integrationId: row.id },
        // One poll per integration per minute, however often this fan-out runs.
        options: { jobId: `iiko-poll-${row.id}-${minute}`, attempts: 1, removeOnComplete: true, removeOnFail: true },
      })),
    );
    return { integrations: rows.length };
  },
});

/** The polling jobs, sharing one set of iiko clients (and their tokens). */
export function iikoPollingJobs(clients: IikoClients = createIikoClients()) {
  return [pollIikoJob, pollIikoIntegrationJob(clients)] as const;
}
