// POS helpers for the API tests: connect an integration through the admin API (as an admin
// would), sign generic webhooks as a POS would, and read the inbox as the database holds it.
import { randomUUID } from "node:crypto";
import type { PosCheckInput } from "@maxl/shared";
import { signPosBody } from "../../src/core/pos/webhook-signature.ts";
import type { World } from "../http/world.ts";
import type { TestApp } from "../support.ts";

export interface Connected {
  integrationId: string;
  secret: string;
  endpoints: string[];
}

export async function connectIntegration(
  test: TestApp,
  world: World,
  body: Record<string, unknown>,
): Promise<Connected> {
  const response = await test.app.request("/api/v1/integrations", {
    method: "POST",
    headers: { Authorization: `Bearer ${await world.tokenFor("admin")}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`connecting failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as Connected;
}

export function saleCheck(overrides: Partial<PosCheckInput> = {}): PosCheckInput {
  return {
    externalId: `chk-${randomUUID()}`,
    type: "sale",
    amountMinor: 150_000,
    currency: "RUB",
    closedAt: new Date().toISOString(),
    ...overrides,
  };
}

/** Posts a check to the generic webhook, signed with `secret` at `at` (unix seconds). */
export async function postCheck(
  test: TestApp,
  integrationId: string,
  secret: string,
  check: unknown,
  options: { at?: number; signature?: string; rawBody?: string } = {},
): Promise<Response> {
  const body = options.rawBody ?? JSON.stringify(check);
  const at = options.at ?? Math.floor(Date.now() / 1000);
  return test.app.request(`/api/v1/pos/${integrationId}/checks`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Timestamp": String(at),
      "X-Signature": options.signature ?? signPosBody(secret, at, body),
    },
    body,
  });
}

export interface InboxRow {
  id: string;
  event_id: string;
  status: string;
  guest_id: string | null;
  check_id: string | null;
  last_error: string | null;
  attempts: number;
}

export async function inbox(test: TestApp, tenantId: string, integrationId: string): Promise<InboxRow[]> {
  return test.db.withTenantClient(tenantId, async (client) => {
    const { rows } = await client.query<InboxRow>(
      `SELECT id, event_id, status::text, guest_id, check_id, last_error, attempts FROM pos_events
        WHERE integration_id = $1 ORDER BY received_at, id`,
      [integrationId],
    );
    return rows;
  });
}

export async function balanceOf(test: TestApp, tenantId: string, guestId: string): Promise<number> {
  return test.db.withTenant(tenantId, async (tx) => {
    const guest = await tx.guest.findUniqueOrThrow({ where: { tenantId_id: { tenantId, id: guestId } } });
    return guest.balance;
  });
}

export async function addGuest(test: TestApp, tenantId: string, phone: string): Promise<string> {
  return test.db.withTenant(tenantId, async (tx) => {
    const guest = await tx.guest.create({ data: { tenantId, phone, firstName: "Pos", registeredAt: new Date() } });
    return guest.id;
  });
}
