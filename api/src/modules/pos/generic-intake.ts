// POST /api/v1/pos/{integrationId}/checks: the generic signed webhook (ARCHITECTURE.md section 5).
// 202 stored, 200 {duplicate: true} for a repeat, 401 bad or stale signature (nothing stored),
// 404 no such integration, 413 too large, 422 malformed (nothing stored: the POS is told why).
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { posCheckSchema } from "@maxl/shared";
import type { EngineDeps } from "../../core/context.ts";
import { parseGenericCheck } from "../../core/pos/generic-adapter.ts";
import { type InboxWriter, storePosEvents } from "../../core/pos/inbox.ts";
import type { PosIntegrations } from "../../core/pos/integrations.ts";
import { checkPosSignature } from "../../core/pos/webhook-signature.ts";
import { bodyLimitByLength } from "../../http/body-limit.ts";
import type { AppEnv } from "../../http/context.ts";
import { problemResponse } from "../../http/openapi.ts";
import { problem } from "../../http/problem.ts";

export interface PosIntakeOptions {
  integrations: PosIntegrations;
  /** stores what a POS sent; the app's commits several concurrent requests together */
  writer: InboxWriter;
  /** the largest body a POS may send */
  bodyLimitBytes: number;
}

export const integrationParams = z.object({
  integrationId: z
    .string()
    .openapi({ param: { name: "integrationId", in: "path" }, example: "01936f00-0000-7000-8000-00000000c001" }),
});

export function posBodyLimit(maxSize: number) {
  return bodyLimitByLength({
    maxSize,
    onError: (c) => problem(c, { code: "PAYLOAD_TOO_LARGE", detail: `A POS request may be at most ${maxSize} bytes.` }),
  });
}

export function genericIntakeRoutes(engine: EngineDeps, options: PosIntakeOptions) {
  const app = new OpenAPIHono<AppEnv>();

  app.post("/api/v1/pos/:integrationId/checks", posBodyLimit(options.bodyLimitBytes), async (c) => {
    const integration = await options.integrations.find(c.req.param("integrationId"));
    if (integration?.kind !== "generic") {
      return problem(c, { code: "NOT_FOUND", detail: "There is no active signed-webhook integration with this id." });
    }
    c.set("principal", `pos:${integration.id}`);
    const body = new Uint8Array(await c.req.arrayBuffer());
    const signature = checkPosSignature(
      integration,
      { timestamp: c.req.header("x-timestamp"), signature: c.req.header("x-signature") },
      body,
      engine.clock(),
    );
    if (!signature.ok) return problem(c, { code: "UNAUTHORIZED", detail: signature.detail });
    const event = parseGenericCheck(body);
    const stored = await storePosEvents(engine, integration, [event], options.writer);
    if (stored.duplicates.length > 0) return c.json({ duplicate: true, eventId: event.eventId }, 200);
    return c.json({ accepted: true, eventId: event.eventId, id: stored.stored[0]?.id ?? null }, 202);
  });

  app.openAPIRegistry.registerPath({
    method: "post",
    path: "/api/v1/pos/{integrationId}/checks",
    tags: ["pos"],
    summary: "A closed check or a refund from any POS (signed webhook)",
    description:
      'Sign the raw body: `X-Timestamp` is unix seconds, `X-Signature` is `sha256=` + hex HMAC-SHA256(secret, "<timestamp>.<raw body>"). Requests more than 300 s off our clock are refused. The check is stored before the answer and credited by the workers.',
    request: {
      params: integrationParams,
      headers: z.object({
        "x-timestamp": z.string().openapi({ example: "1763726400" }),
        "x-signature": z.string().openapi({ example: `sha256=${"0".repeat(64)}` }),
      }),
      body: { required: true, content: { "application/json": { schema: posCheckSchema } } },
    },
    responses: {
      202: {
        description: "Stored; it will be credited shortly",
        content: {
          "application/json": {
            schema: z.object({ accepted: z.literal(true), eventId: z.string(), id: z.string().nullable() }),
          },
        },
      },
      200: {
        description: "Already stored earlier: nothing changed",
        content: { "application/json": { schema: z.object({ duplicate: z.literal(true), eventId: z.string() }) } },
      },
      401: problemResponse("Missing, wrong or stale signature; nothing stored"),
      404: problemResponse("No active signed-webhook integration with this id"),
      413: problemResponse("Body too large"),
      422: problemResponse("Malformed check; `errors` names each field; nothing stored"),
    },
  });

  return app;
}
