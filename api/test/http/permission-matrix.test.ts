// The permission matrix, route by route: every staff route names the permission it needs, every
// role without it is refused (403) before anything else happens, every role with it gets past
// the guard, a till-only session (from Telegram) reaches only the till, and nobody without a
// token gets anywhere. The first test keeps the table honest: a new staff route that is not
// listed here fails it.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueStaffToken } from "../../src/auth/staff-token.ts";
import { type Permission, roleMay, tillPermissions } from "../../src/core/auth/permissions.ts";
import type { StaffRole } from "../../src/core/context.ts";
import { createTestApp, type TestApp } from "../support.ts";
import { buildWorld, type World } from "./world.ts";

const routes: Record<string, Permission> = {
  "GET /api/v1/auth/me": "profile.read",
  "GET /api/v1/audit": "audit.read",
  "GET /api/v1/audit/export.csv": "audit.read",
  "GET /api/v1/billing": "billing.read",
  "GET /api/v1/billing/plans": "billing.read",
  "POST /api/v1/billing/checkout": "billing.manage",
  "GET /api/v1/billing/payments": "billing.read",
  "GET /api/v1/billing/payments/{paymentId}": "billing.read",
  "POST /api/v1/billing/payments/{paymentId}/refund": "billing.manage",
  "POST /api/v1/billing/cancel": "billing.manage",
  "POST /api/v1/billing/resume": "billing.manage",
  "GET /api/v1/billing/email": "billing.manage",
  "PUT /api/v1/billing/email": "billing.manage",
  "GET /api/v1/bot": "bot.manage",
  "PUT /api/v1/bot": "bot.manage",
  "DELETE /api/v1/bot": "bot.manage",
  "GET /api/v1/bot/webhook": "bot.manage",
  "POST /api/v1/bot/webhook": "bot.manage",
  "GET /api/v1/dashboard": "dashboard.read",
  "GET /api/v1/events": "events.read",
  "POST /api/v1/events": "events.manage",
  "GET /api/v1/events/{eventId}": "events.read",
  "PATCH /api/v1/events/{eventId}": "events.manage",
  "POST /api/v1/events/{eventId}/publish": "events.manage",
  "POST /api/v1/events/{eventId}/cancel": "events.manage",
  "POST /api/v1/events/{eventId}/finish": "events.manage",
  "GET /api/v1/events/{eventId}/registrations": "events.read",
  "POST /api/v1/events/{eventId}/check-in": "events.checkIn",
  "PUT /api/v1/events/{eventId}/cover": "events.manage",
  "GET /api/v1/events/{eventId}/cover/preview": "events.read",
  "GET /api/v1/broadcasts": "broadcasts.read",
  "POST /api/v1/broadcasts": "broadcasts.manage",
  "GET /api/v1/broadcasts/allowance": "broadcasts.read",
  "POST /api/v1/broadcasts/audience": "broadcasts.read",
  "POST /api/v1/broadcasts/test": "broadcasts.manage",
  "GET /api/v1/broadcasts/{broadcastId}": "broadcasts.read",
  "PATCH /api/v1/broadcasts/{broadcastId}": "broadcasts.manage",
  "POST /api/v1/broadcasts/{broadcastId}/send": "broadcasts.manage",
  "POST /api/v1/broadcasts/{broadcastId}/cancel": "broadcasts.manage",
  "GET /api/v1/guests": "guests.list",
  "GET /api/v1/guests/export.csv": "guests.export",
  "GET /api/v1/guests/{guestId}": "guests.read",
  "GET /api/v1/guests/{guestId}/ledger": "guests.read",
  "GET /api/v1/guests/{guestId}/checks": "guests.read",
  "POST /api/v1/guests/{guestId}/adjustments": "points.adjust",
  "PUT /api/v1/guests/{guestId}/manual-level": "levels.setManual",
  "POST /api/v1/guest-imports": "guests.import",
  "GET /api/v1/guest-imports": "guests.import",
  "GET /api/v1/guest-imports/{importId}": "guests.import",
  "GET /api/v1/guest-imports/{importId}/errors.csv": "guests.import",
  "GET /api/v1/integrations": "integrations.read",
  "POST /api/v1/integrations": "integrations.manage",
  "PATCH /api/v1/integrations/{integrationId}": "integrations.manage",
  "POST /api/v1/integrations/{integrationId}/secret": "integrations.manage",
  "GET /api/v1/integrations/{integrationId}/events": "integrations.read",
  "POST /api/v1/integrations/{integrationId}/events/{eventId}/replay": "integrations.manage",
  "GET /api/v1/pos-checks/unidentified": "pos.attach",
  "POST /api/v1/pos-checks/{eventId}/attach": "pos.attach",
  "GET /api/v1/program": "program.read",
  "PUT /api/v1/program": "program.manage",
  "POST /api/v1/program/preview": "program.manage",
  "GET /api/v1/restaurants": "restaurants.read",
  "POST /api/v1/restaurants": "restaurants.manage",
  "PATCH /api/v1/restaurants/{restaurantId}": "restaurants.manage",
  "GET /api/v1/staff": "staff.read",
  "POST /api/v1/staff": "staff.manage",
  "PATCH /api/v1/staff/{staffId}": "staff.manage",
  "POST /api/v1/staff/{staffId}/password-link": "staff.manage",
  "POST /api/v1/staff/{staffId}/sessions/revoke-all": "staff.manage",
  "POST /api/v1/staff/{staffId}/telegram-invite": "staff.invite",
  "GET /api/v1/till/restaurants": "guests.identify",
  "POST /api/v1/till/identify": "guests.identify",
  "POST /api/v1/till/quotes": "points.quote",
  "POST /api/v1/till/accruals": "points.accrue",
  "POST /api/v1/till/redemptions": "points.redeem",
  "POST /api/v1/till/refunds": "points.refund",
};

const roles: StaffRole[] = ["owner", "admin", "manager", "cashier"];
const roleRefusal = (role: StaffRole) => `Your role (${role}) may not do this.`;

let test: TestApp;
let world: World;
beforeAll(async () => {
  test = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: "100000" } });
  world = await buildWorld(test);
});
afterAll(() => test.close());

async function call(route: string, token: string | null): Promise<Response> {
  const [method = "GET", template = ""] = route.split(" ");
  const path = template.replace(/\{\w+\}/g, () => randomUUID());
  const hasBody = method !== "GET" && method !== "DELETE";
  return await test.app.request(path, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(hasBody ? { "Content-Type": "application/json" } : {}),
      "Idempotency-Key": randomUUID(),
    },
    ...(hasBody ? { body: "{}" } : {}),
  });
}

async function detailOf(response: Response): Promise<string> {
  const text = await response.text();
  try {
    return (JSON.parse(text) as { detail?: string }).detail ?? "";
  } catch {
    return "";
  }
}

describe("the permission matrix", () => {
  it("lists every route that takes a staff token, and nothing else", async () => {
    const document = (await (await test.app.request("/api/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, { security?: Record<string, unknown>[] }>>;
    };
    const staffRoutes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, operation]) => operation.security?.some((scheme) => "bearerAuth" in scheme))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(staffRoutes.sort()).toEqual(Object.keys(routes).sort());
  });

  it.each(Object.entries(routes))("%s needs %s", async (route, permission) => {
    expect((await call(route, null)).status).toBe(401);
    for (const role of roles) {
      const token = await world.tokenFor(role);
      const response = await call(route, token);
      const detail = await detailOf(response);
      if (roleMay(role, permission)) {
        expect(response.status, `${role} on ${route}`).not.toBe(401);
        expect(detail, `${role} on ${route}`).not.toBe(roleRefusal(role));
      } else {
        expect(response.status, `${role} on ${route}`).toBe(403);
        expect(detail, `${role} on ${route}`).toBe(roleRefusal(role));
      }
    }
    const tillOnly = await issueStaffToken(
      { staffId: world.staff.owner.id, tenantId: world.tenantId, role: "owner", generation: 0, scope: "till" },
      test.config.auth.jwtSecret,
      new Date(),
    );
    const fromTelegram = await call(route, tillOnly);
    if (tillPermissions.has(permission)) expect(fromTelegram.status).not.toBe(403);
    else expect(fromTelegram.status).toBe(403);
  });
});
