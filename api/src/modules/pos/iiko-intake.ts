// POST /api/v1/pos/{integrationId}/iiko/webhook: iiko Cloud's webhook. The authToken set in
// iikoWeb arrives in Authorization (raw or Bearer); a wrong one gets 401 and nothing is stored.
//
// A body we cannot read is answered 200, not 422, and kept as a rejected event on the
// integration's status page: iiko re-sends a delivery that was not acknowledged, and a broken
// body would not mend on re-sending, so a 4xx would only repeat the same failure while hiding it
// from the restaurant's admins. Every event that carries a closed order is stored before the 200.
import { createHash } from "node:crypto";
import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { EngineDeps } from "../../core/context.ts";
import type { AdaptedEvent } from "../../core/pos/adapted-event.ts";
import {
  IikoPayloadError,
  iikoAuthTokenFrom,
  iikoSettingsSchema,
  parseIikoWebhook,
} from "../../core/pos/iiko/index.ts";
import { storePosEvents } from "../../core/pos/inbox.ts";
import { tokenMatches } from "../../core/pos/webhook-signature.ts";
import type { AppEnv } from "../../http/context.ts";
import { problemResponse } from "../../http/openapi.ts";
import { problem } from "../../http/problem.ts";
import { integrationParams, type PosIntakeOptions, posBodyLimit } from "./generic-intake.ts";

function unreadable(text: string, reason: string): AdaptedEvent {
  const digest = createHash("sha256").update(text).digest("hex").slice(0, 32);
  return { eventId: `rejected:${digest}`, status: "rejected", reason, raw: text };
}

const summarySchema = z.object({
  stored: z.number().int(),
  duplicates: z.number().int(),
  ignored: z.number().int(),
  rejected: z.number().int(),
});

export function iikoIntakeRoutes(engine: EngineDeps, options: PosIntakeOptions) {
  const app = new OpenAPIHono<AppEnv>();

  app.post("/api/v1/pos/:integrationId/iiko/webhook", posBodyLimit(options.bodyLimitBytes), async (c) => {
    const integration = await options.integrations.find(c.req.param("integrationId"));
    if (integration?.kind !== "iiko") {
      return problem(c, { code: "NOT_FOUND", detail: "There is no active iiko integration with this id." });
    }
    c.set("principal", `pos:${integration.id}`);
    if (!tokenMatches(integration, iikoAuthTokenFrom(c.req.header("authorization")), engine.clock())) {
      return problem(c, {
        code: "UNAUTHORIZED",
        detail: "The Authorization header must carry the authToken shown when this integration was set up.",
      });
    }
    const settings = iikoSettingsSchema.safeParse(integration.config);
    if (!settings.success) {
      return problem(c, {
        code: "UNAVAILABLE",
        status: 503,
        detail: "This iiko integration's settings are incomplete; an admin must fix them.",
      });
    }
    const text = await c.req.text();
    let events: AdaptedEvent[];
    try {
      events = parseIikoWebhook(JSON.parse(text), settings.data).events;
    } catch (error) {
      if (!(error instanceof SyntaxError) && !(error instanceof IikoPayloadError)) throw error;
      const reason = error instanceof SyntaxError ? "the body is not JSON" : error.message;
      events = [unreadable(text, reason)];
    }
    const stored = await storePosEvents(engine, integration, events, options.writer);
    const rejected = stored.stored.filter((event) => event.status === "rejected").length;
    return c.json(
      {
        stored: stored.stored.length - rejected,
        duplicates: stored.duplicates.length,
        ignored: stored.ignored,
        rejected,
      },
      200,
    );
  });

  app.openAPIRegistry.registerPath({
    method: "post",
    path: "/api/v1/pos/{integrationId}/iiko/webhook",
    tags: ["pos"],
    summary: "iiko Cloud webhook (set it in iikoWeb with the authToken shown at set-up)",
    description:
      "A JSON array of iiko events `{eventType, eventTime, organizationId, correlationId, eventInfo}`. Closed table and delivery orders become sales; an order cancelled after closing becomes a refund; other events are acknowledged and ignored. An unreadable body is answered 200 and recorded as rejected, because iiko would re-send it unchanged.",
    request: {
      params: integrationParams,
      body: { required: true, content: { "application/json": { schema: z.array(z.record(z.string(), z.unknown())) } } },
    },
    responses: {
      200: {
        description: "Stored (or recorded as rejected)",
        content: { "application/json": { schema: summarySchema } },
      },
      401: problemResponse("Wrong or missing authToken; nothing stored"),
      404: problemResponse("No active iiko integration with this id"),
      413: problemResponse("Body too large"),
    },
  });

  return app;
}
