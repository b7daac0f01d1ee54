// r_keeper through FarCards' HTTP interface (ExtDllHTTP.dll). ExtDllHttp.ini points Address at
// /api/v1/pos/{integrationId}/rkeeper/{token}; the DLL then POSTs XML to getcardinfoex when the
// cashier enters a card (our guest's phone or 6-digit code) and to transactionsex when the check
// closes. The DLL has no header to carry a secret, so the token is in the path.
//
// getcardinfoex answers with the guest's name and balance. transactionsex stores the check in the
// inbox before answering Result 0; the points follow from the workers. A document that is not
// FarCards XML gets 422 problem+json, which the till shows as a failed card operation.
import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { EngineDeps } from "../../core/context.ts";
import { findPosGuest } from "../../core/pos/guest-lookup.ts";
import { storePosEvents } from "../../core/pos/inbox.ts";
import type { PosIntegration } from "../../core/pos/integrations.ts";
import { guestRefFromCardCode } from "../../core/pos/rkeeper/card-code.ts";
import {
  FARCARDS_CONTENT_TYPE,
  isFarCardsFormatError,
  parseFarCardsRequest,
  renderCardInfo,
  renderCardNotFound,
  renderTransactionsResult,
} from "../../core/pos/rkeeper/farcards-xml.ts";
import { farCardsTransactionEvents } from "../../core/pos/rkeeper/map-transactions.ts";
import { type RkeeperSettings, rkeeperSettingsSchema } from "../../core/pos/rkeeper/settings.ts";
import { tokenMatches } from "../../core/pos/webhook-signature.ts";
import type { AppEnv } from "../../http/context.ts";
import { problemResponse } from "../../http/openapi.ts";
import { problem } from "../../http/problem.ts";
import { type PosIntakeOptions, posBodyLimit } from "./generic-intake.ts";

const settingKeys = Object.keys(rkeeperSettingsSchema.shape);

/** The r_keeper settings out of the integration's config (which also holds the shared ones). */
function rkeeperSettings(integration: PosIntegration): RkeeperSettings | null {
  const own = Object.fromEntries(Object.entries(integration.config).filter(([key]) => settingKeys.includes(key)));
  const parsed = rkeeperSettingsSchema.safeParse(own);
  return parsed.success ? parsed.data : null;
}

const xml = (c: Context<AppEnv>, body: string) => c.body(body, 200, { "Content-Type": FARCARDS_CONTENT_TYPE });

export function rkeeperIntakeRoutes(engine: EngineDeps, options: PosIntakeOptions) {
  const app = new OpenAPIHono<AppEnv>();

  const authorised = async (c: Context<AppEnv>) => {
    const integration = await options.integrations.find(c.req.param("integrationId") ?? "");
    if (integration?.kind !== "rkeeper") {
      return problem(c, { code: "NOT_FOUND", detail: "There is no active r_keeper integration with this id." });
    }
    if (!tokenMatches(integration, c.req.param("token") ?? null, engine.clock())) {
      return problem(c, { code: "UNAUTHORIZED", detail: "The token in this address is not this integration's." });
    }
    c.set("principal", `pos:${integration.id}`);
    const settings = rkeeperSettings(integration);
    if (!settings) {
      return problem(c, {
        code: "UNAVAILABLE",
        status: 503,
        detail: "This r_keeper integration's settings are incomplete; an admin must fix them.",
      });
    }
    return { integration, settings };
  };

  const unreadable = (c: Context<AppEnv>, error: unknown) => {
    if (!isFarCardsFormatError(error)) throw error;
    return problem(c, { code: "VALIDATION", detail: `Not a FarCards document: ${error.message}` });
  };

  const base = "/api/v1/pos/:integrationId/rkeeper/:token";
  app.post(`${base}/getcardinfoex`, posBodyLimit(options.bodyLimitBytes), async (c) => {
    const found = await authorised(c);
    if (found instanceof Response) return found;
    const { integration, settings } = found;
    let card: string;
    try {
      card = parseFarCardsRequest("getcardinfoex", await c.req.text()).card;
    } catch (error) {
      return unreadable(c, error);
    }
    const ref = guestRefFromCardCode(card);
    if (!ref) return xml(c, renderCardNotFound("Введите телефон гостя или 6-значный код из бота"));
    const guest = await engine.db.withTenantClient(integration.tenantId, async (client) => {
      const lookup = await findPosGuest(engine, client, integration.tenantId, ref);
      if (!lookup.guestId) return null;
      const { rows } = await client.query<{ first_name: string | null; last_name: string | null; balance: number }>(
        "SELECT first_name, last_name, balance FROM guests WHERE tenant_id = app_current_tenant() AND id = $1",
        [lookup.guestId],
      );
      return rows[0] ?? null;
    });
    if (!guest) return xml(c, renderCardNotFound("Гость не найден: проверьте телефон или попросите новый код"));
    const holder = [guest.first_name, guest.last_name].filter(Boolean).join(" ") || "Гость";
    return xml(
      c,
      renderCardInfo({ holder, balancePoints: guest.balance, pointsLabel: settings.pointsLabel, state: "active" }),
    );
  });

  app.post(`${base}/transactionsex`, posBodyLimit(options.bodyLimitBytes), async (c) => {
    const found = await authorised(c);
    if (found instanceof Response) return found;
    const { integration, settings } = found;
    let events: ReturnType<typeof farCardsTransactionEvents>;
    try {
      events = farCardsTransactionEvents(parseFarCardsRequest("transactionsex", await c.req.text()), settings);
    } catch (error) {
      return unreadable(c, error);
    }
    // Stored before answering; a check we cannot use is recorded as rejected for the admins, and
    // the till still closes: the guest's payment is not ours to refuse.
    await storePosEvents(engine, integration, events, options.writer);
    return xml(c, renderTransactionsResult({ ok: true }));
  });

  for (const call of ["getcardinfoex", "transactionsex"] as const) {
    app.openAPIRegistry.registerPath({
      method: "post",
      path: `/api/v1/pos/{integrationId}/rkeeper/{token}/${call}`,
      tags: ["pos"],
      summary:
        call === "getcardinfoex"
          ? "r_keeper FarCards: the guest behind a card number (phone or 6-digit code) and their balance"
          : "r_keeper FarCards: the transactions of a closed check (stored, then credited)",
      request: {
        params: z.object({
          integrationId: z.string().openapi({ param: { name: "integrationId", in: "path" } }),
          token: z.string().openapi({ param: { name: "token", in: "path" } }),
        }),
        body: { required: true, content: { "text/xml": { schema: z.string() } } },
      },
      responses: {
        200: { description: "FarCards XML answer", content: { "text/xml": { schema: z.string() } } },
        401: problemResponse("The token in the address is wrong; nothing stored"),
        404: problemResponse("No active r_keeper integration with this id"),
        422: problemResponse("Not a FarCards document; nothing stored"),
      },
    });
  }

  return app;
}
