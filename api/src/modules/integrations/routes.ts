// POS integrations as staff manage them: the status page (last event, last error, counts), the
// events with their dead letters, replay, creating an integration and rotating its secret. And,
// for the till, the checks no guest was found for and attaching one to a guest.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { EngineDeps } from "../../core/context.ts";
import {
  attachPosCheck,
  integrationStatuses,
  listPosEvents,
  posEventStatuses,
  replayPosEvent,
  unidentifiedChecks,
} from "../../core/pos/event-admin.ts";
import type { PosIntegrations } from "../../core/pos/integrations.ts";
import {
  createIntegration,
  createIntegrationInputSchema,
  rotateIntegrationSecret,
  type SealingDeps,
  updateIntegration,
  updateIntegrationInputSchema,
} from "../../core/pos/manage-integrations.ts";
import { PosRetryableError } from "../../core/pos/process-event.ts";
import { requireStaff, staffOf } from "../../http/caller.ts";
import type { TrustedProxies } from "../../http/client-ip.ts";
import type { AppEnv } from "../../http/context.ts";
import { errorResponses, problemResponse, staffSecurity } from "../../http/openapi.ts";
import { problem, validationHook } from "../../http/problem.ts";
import { staffChannel } from "../../http/staff-channel.ts";

const statusSchema = z.enum(posEventStatuses);

const integrationStatusSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["generic", "iiko", "rkeeper"]),
    name: z.string(),
    isActive: z.boolean(),
    restaurantId: z.string().nullable(),
    endpoints: z.array(z.string()),
    lastEventAt: z.string().nullable(),
    lastError: z.object({ at: z.string(), message: z.string() }).nullable(),
    counts: z.record(z.string(), z.number().int()).openapi({ description: "The events the inbox holds, by status" }),
    eventsPurgedBefore: z.string().nullable().openapi({
      description:
        "Finished events (processed, rejected, unidentified past the attach window) received before this were deleted by the retention purge; those counts start here",
    }),
    previousSecretValidUntil: z.string().nullable(),
    polling: z.object({ revision: z.number().int(), lastPolledAt: z.string().nullable() }).nullable(),
  })
  .openapi("PosIntegrationStatus");

const eventSchema = z
  .object({
    id: z.string(),
    eventId: z.string(),
    status: statusSchema,
    kind: z.enum(["sale", "refund"]).nullable(),
    externalId: z.string().nullable(),
    refundOf: z.string().nullable(),
    amountMinor: z.string().nullable(),
    currency: z.string().nullable(),
    closedAt: z.string().nullable(),
    guestId: z.string().nullable(),
    restaurantId: z.string().nullable(),
    checkId: z.string().nullable(),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    receivedAt: z.string(),
    processedAt: z.string().nullable(),
  })
  .openapi("PosEvent");

const secretViewSchema = z.object({
  integrationId: z.string(),
  kind: z.enum(["generic", "iiko", "rkeeper"]),
  secret: z.string().openapi({ description: "Shown once; store it in the POS now" }),
  endpoints: z.array(z.string()),
  previousSecretValidUntil: z.string().nullable(),
});

const processOutcomeSchema = z.object({
  status: z.enum(["processed", "unidentified", "awaiting_sale", "rejected", "dead", "skipped"]),
  checkId: z.string().nullable().optional(),
  guestId: z.string().optional(),
  pointsDelta: z.number().int().optional(),
  reason: z.string().optional(),
});

const integrationParams = z.object({
  integrationId: z.uuid().openapi({ param: { name: "integrationId", in: "path" } }),
});
const eventParams = integrationParams.extend({
  eventId: z.uuid().openapi({ param: { name: "eventId", in: "path" } }),
});

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/integrations",
  tags: ["integrations"],
  summary: "POS integrations with their status: last event, last error, events by status",
  security: staffSecurity,
  middleware: [requireStaff("integrations.read")] as const,
  responses: {
    200: {
      description: "Every integration of the business",
      content: { "application/json": { schema: z.object({ integrations: z.array(integrationStatusSchema) }) } },
    },
    ...errorResponses,
  },
});

const createIntegrationRoute = createRoute({
  method: "post",
  path: "/api/v1/integrations",
  tags: ["integrations"],
  summary: "Connect a POS: the answer shows its secret once",
  security: staffSecurity,
  middleware: [requireStaff("integrations.manage")] as const,
  request: { body: { required: true, content: { "application/json": { schema: createIntegrationInputSchema } } } },
  responses: {
    201: { description: "Created", content: { "application/json": { schema: secretViewSchema } } },
    ...errorResponses,
  },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/api/v1/integrations/{integrationId}",
  tags: ["integrations"],
  summary: "Change a POS integration: name, default restaurant, settings (the kind's, whole), on/off, iiko login",
  security: staffSecurity,
  middleware: [requireStaff("integrations.manage")] as const,
  request: {
    params: integrationParams,
    body: { required: true, content: { "application/json": { schema: updateIntegrationInputSchema } } },
  },
  responses: {
    200: { description: "The integration now", content: { "application/json": { schema: integrationStatusSchema } } },
    404: problemResponse("No such integration"),
    ...errorResponses,
  },
});

const rotateRoute = createRoute({
  method: "post",
  path: "/api/v1/integrations/{integrationId}/secret",
  tags: ["integrations"],
  summary: "Rotate the secret; the previous one keeps working for the grace period",
  security: staffSecurity,
  middleware: [requireStaff("integrations.manage")] as const,
  request: {
    params: integrationParams,
    body: {
      required: false,
      content: {
        "application/json": {
          schema: z.object({
            graceHours: z.number().int().min(0).max(168).default(24).openapi({
              description: "How long the previous secret stays valid (0 ends it now)",
            }),
          }),
        },
      },
    },
  },
  responses: {
    200: { description: "The new secret, shown once", content: { "application/json": { schema: secretViewSchema } } },
    404: problemResponse("No such integration"),
    ...errorResponses,
  },
});

const eventsRoute = createRoute({
  method: "get",
  path: "/api/v1/integrations/{integrationId}/events",
  tags: ["integrations"],
  summary: "What the POS sent, newest first; status=dead lists the dead letters",
  security: staffSecurity,
  middleware: [requireStaff("integrations.read")] as const,
  request: {
    params: integrationParams,
    query: z.object({
      status: statusSchema.optional(),
      before: z.uuid().optional().openapi({ description: "nextBefore of the previous page" }),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: {
    200: {
      description: "A page of events",
      content: {
        "application/json": { schema: z.object({ events: z.array(eventSchema), nextBefore: z.string().nullable() }) },
      },
    },
    404: problemResponse("No such integration"),
    ...errorResponses,
  },
});

const replayRoute = createRoute({
  method: "post",
  path: "/api/v1/integrations/{integrationId}/events/{eventId}/replay",
  tags: ["integrations"],
  summary: "Process a dead or rejected event again",
  security: staffSecurity,
  middleware: [requireStaff("integrations.manage")] as const,
  request: { params: eventParams },
  responses: {
    202: { description: "Back in the queue", content: { "application/json": { schema: eventSchema } } },
    404: problemResponse("No such event"),
    409: problemResponse("The event is not dead or rejected"),
    ...errorResponses,
  },
});

const unidentifiedRoute = createRoute({
  method: "get",
  path: "/api/v1/pos-checks/unidentified",
  tags: ["integrations"],
  summary: "Recent POS sales no guest was found for, that can still be attached",
  security: staffSecurity,
  middleware: [requireStaff("pos.attach")] as const,
  request: {
    query: z.object({
      restaurantId: z.uuid().optional(),
      limit: z.coerce.number().int().min(1).max(100).default(20),
    }),
  },
  responses: {
    200: {
      description: "Newest first",
      content: {
        "application/json": {
          schema: z.object({
            checks: z.array(eventSchema.extend({ integrationName: z.string(), attachableUntil: z.string() })),
          }),
        },
      },
    },
    ...errorResponses,
  },
});

const attachRoute = createRoute({
  method: "post",
  path: "/api/v1/pos-checks/{eventId}/attach",
  tags: ["integrations"],
  summary: "Attach an unidentified POS sale to a guest and credit it now",
  security: staffSecurity,
  middleware: [requireStaff("pos.attach")] as const,
  request: {
    params: z.object({ eventId: z.uuid().openapi({ param: { name: "eventId", in: "path" } }) }),
    body: { required: true, content: { "application/json": { schema: z.object({ guestId: z.uuid() }) } } },
  },
  responses: {
    200: { description: "What processing did", content: { "application/json": { schema: processOutcomeSchema } } },
    404: problemResponse("No such check or guest"),
    409: problemResponse("Not waiting for a guest, or too old"),
    503: problemResponse("Could not credit it now; it is retried automatically"),
    ...errorResponses,
  },
});

export function integrationRoutes(
  engine: EngineDeps,
  options: SealingDeps & { integrations: PosIntegrations; trustProxy: TrustedProxies },
) {
  const { trustProxy } = options;
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(listRoute, async (c) => {
      const { tenantId } = staffOf(c, "admin", trustProxy);
      return c.json({ integrations: await integrationStatuses(engine, tenantId) }, 200);
    })
    .openapi(createIntegrationRoute, async (c) => {
      const { tenantId, ...actor } = staffOf(c, "admin", trustProxy);
      const view = await createIntegration(engine, options.secrets, { tenantId, actor, input: c.req.valid("json") });
      return c.json(view, 201);
    })
    .openapi(updateRoute, async (c) => {
      const { tenantId, ...actor } = staffOf(c, "admin", trustProxy);
      const { integrationId } = c.req.valid("param");
      await updateIntegration(engine, options.secrets, {
        tenantId,
        actor,
        integrationId,
        input: c.req.valid("json"),
      });
      options.integrations.forget(integrationId);
      const status = (await integrationStatuses(engine, tenantId)).find((one) => one.id === integrationId);
      if (!status) throw new Error("the integration just updated is gone");
      return c.json(status, 200);
    })
    .openapi(rotateRoute, async (c) => {
      const { tenantId, ...actor } = staffOf(c, "admin", trustProxy);
      const { integrationId } = c.req.valid("param");
      const body = (c.req.valid("json") as { graceHours?: number } | undefined) ?? {};
      const view = await rotateIntegrationSecret(engine, options.secrets, {
        tenantId,
        actor,
        integrationId,
        graceHours: body.graceHours ?? 24,
      });
      options.integrations.forget(integrationId);
      return c.json(view, 200);
    })
    .openapi(eventsRoute, async (c) => {
      const { tenantId } = staffOf(c, "admin", trustProxy);
      const query = c.req.valid("query");
      const page = await listPosEvents(engine, tenantId, {
        ...query,
        integrationId: c.req.valid("param").integrationId,
      });
      return c.json(page, 200);
    })
    .openapi(replayRoute, async (c) => {
      const { tenantId, ...actor } = staffOf(c, "admin", trustProxy);
      const event = await replayPosEvent(engine, { tenantId, actor, ...c.req.valid("param") });
      return c.json(event, 202);
    })
    .openapi(unidentifiedRoute, async (c) => {
      const { tenantId, ...staff } = staffOf(c, "cashier", trustProxy);
      return c.json({ checks: await unidentifiedChecks(engine, tenantId, c.req.valid("query"), staff) }, 200);
    })
    .openapi(attachRoute, async (c) => {
      const { tenantId, ...actor } = staffOf(c, "cashier", trustProxy);
      try {
        const outcome = await attachPosCheck(engine, {
          tenantId,
          actor: { ...actor, channel: staffChannel(c) },
          eventId: c.req.valid("param").eventId,
          guestId: c.req.valid("json").guestId,
        });
        return c.json(outcome, 200);
      } catch (error) {
        if (!(error instanceof PosRetryableError)) throw error;
        return problem(c, {
          code: "UNAVAILABLE",
          status: 503,
          detail: "The check could not be credited just now; it will be retried automatically in a few minutes.",
          messageKey: "pos-check-retry-later",
        });
      }
    });
}
