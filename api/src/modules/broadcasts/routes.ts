// Broadcasts (campaigns): staff compose a message, pick an audience of guests, test it on their
// own Telegram, and send it now or at a time through the business's bot; the workers deliver it.
// Create and send take an Idempotency-Key, so a double click makes one draft and sends it once.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { broadcastAllowance } from "../../core/broadcasts/allowance.ts";
import { countAudience } from "../../core/broadcasts/audience.ts";
import { broadcastStatuses } from "../../core/broadcasts/broadcast-rows.ts";
import { cancelBroadcast } from "../../core/broadcasts/cancel-broadcast.ts";
import { createBroadcast } from "../../core/broadcasts/create-broadcast.ts";
import { broadcastDetail, broadcastListQuerySchema, listBroadcasts } from "../../core/broadcasts/list-broadcasts.ts";
import {
  audienceCountInputSchema,
  audienceSchema,
  broadcastFormats,
  contentSchema,
  createBroadcastInputSchema,
  sendBroadcastInputSchema,
  updateBroadcastInputSchema,
} from "../../core/broadcasts/schemas.ts";
import { sendBroadcast } from "../../core/broadcasts/send-broadcast.ts";
import { sendTestMessage, type TestMessageDeps } from "../../core/broadcasts/test-message.ts";
import { updateBroadcast } from "../../core/broadcasts/update-broadcast.ts";
import type { EngineDeps } from "../../core/context.ts";
import { requireStaff, staffOf } from "../../http/caller.ts";
import type { TrustedProxies } from "../../http/client-ip.ts";
import type { AppEnv } from "../../http/context.ts";
import { errorResponses, idempotencyHeaders, problemResponse, staffSecurity } from "../../http/openapi.ts";
import { validationHook } from "../../http/problem.ts";

const broadcastSchema = z
  .object({
    id: z.string(),
    text: z.string(),
    format: z.enum(broadcastFormats),
    button: z.object({ label: z.string(), url: z.string() }).nullable(),
    audience: z.object({
      levelIds: z.array(z.string()),
      restaurantIds: z.array(z.string()),
      lastVisitAfter: z.string().nullable(),
      lastVisitBefore: z.string().nullable(),
      minBalance: z.number().int().nullable(),
    }),
    status: z.enum(broadcastStatuses),
    scheduledAt: z.string().nullable(),
    countedMonth: z.string().nullable().openapi({ description: "the tenant-local month it counts against" }),
    recipients: z.number().int(),
    sent: z.number().int(),
    blocked: z.number().int(),
    failed: z.number().int(),
    remaining: z.number().int(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    cancelReason: z.string().nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Broadcast");

const allowanceSchema = z
  .object({
    month: z.string(),
    limit: z.number().int().nullable(),
    used: z.number().int(),
    planName: z.string(),
    restricted: z.boolean(),
  })
  .openapi("BroadcastAllowance");

const broadcastParams = z.object({ broadcastId: z.uuid().openapi({ param: { name: "broadcastId", in: "path" } }) });
const json = <S extends z.ZodType>(schema: S) => ({ content: { "application/json": { schema } } });

const failures = {
  402: problemResponse("The plan's broadcasts for that month are used up (messageKey plan-limit)"),
  404: problemResponse("No such broadcast"),
  409: problemResponse("The broadcast's state does not allow this, no bot is connected, or nobody matches"),
  ...errorResponses,
};

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/broadcasts",
  tags: ["broadcasts"],
  summary: "Broadcasts, newest first, with delivery counts; and this month's allowance",
  security: staffSecurity,
  middleware: [requireStaff("broadcasts.read")] as const,
  request: { query: broadcastListQuerySchema },
  responses: {
    200: {
      description: "Broadcasts, newest first, with delivery counts; and this month's allowance",
      ...json(z.object({ broadcasts: z.array(broadcastSchema), allowance: allowanceSchema })),
    },
    ...failures,
  },
});

const allowanceRoute = createRoute({
  method: "get",
  path: "/api/v1/broadcasts/allowance",
  tags: ["broadcasts"],
  summary: "The plan's broadcasts in the tenant-local month of `at` (default now): limit and used",
  security: staffSecurity,
  middleware: [requireStaff("broadcasts.read")] as const,
  request: { query: z.object({ at: z.iso.datetime({ offset: true }).optional() }) },
  responses: { 200: { description: "The allowance", ...json(allowanceSchema) }, ...failures },
});

const audienceRoute = createRoute({
  method: "post",
  path: "/api/v1/broadcasts/audience",
  tags: ["broadcasts"],
  summary: "How many guests an audience reaches now (with notifications on, bot not blocked)",
  security: staffSecurity,
  middleware: [requireStaff("broadcasts.read")] as const,
  request: { body: { required: true, ...json(audienceCountInputSchema) } },
  responses: {
    200: {
      description: "The count, and the audience as it would be stored (a manager's narrowed to their restaurants)",
      ...json(z.object({ recipients: z.number().int(), audience: audienceSchema })),
    },
    ...failures,
  },
});

const createBroadcastRoute = createRoute({
  method: "post",
  path: "/api/v1/broadcasts",
  tags: ["broadcasts"],
  summary: "Create a draft. The same Idempotency-Key again answers the same draft",
  security: staffSecurity,
  middleware: [requireStaff("broadcasts.manage")] as const,
  request: { headers: idempotencyHeaders, body: { required: true, ...json(createBroadcastInputSchema) } },
  responses: { 201: { description: "The draft", ...json(broadcastSchema) }, ...failures },
});

const detailRoute = createRoute({
  method: "get",
  path: "/api/v1/broadcasts/{broadcastId}",
  tags: ["broadcasts"],
  summary: "One broadcast with its progress",
  security: staffSecurity,
  middleware: [requireStaff("broadcasts.read")] as const,
  request: { params: broadcastParams },
  responses: { 200: { description: "One broadcast with its progress", ...json(broadcastSchema) }, ...failures },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/api/v1/broadcasts/{broadcastId}",
  tags: ["broadcasts"],
  summary: "Change a draft",
  security: staffSecurity,
  middleware: [requireStaff("broadcasts.manage")] as const,
  request: { params: broadcastParams, body: { required: true, ...json(updateBroadcastInputSchema) } },
  responses: { 200: { description: "The draft", ...json(broadcastSchema) }, ...failures },
});

const sendRoute = createRoute({
  method: "post",
  path: "/api/v1/broadcasts/{broadcastId}/send",
  tags: ["broadcasts"],
  summary:
    "Send a draft now, or schedule it (scheduledAt). Counts against the plan's broadcasts of that month; refused while the business is restricted",
  security: staffSecurity,
  middleware: [requireStaff("broadcasts.manage")] as const,
  request: {
    params: broadcastParams,
    headers: idempotencyHeaders,
    body: { required: true, ...json(sendBroadcastInputSchema) },
  },
  responses: { 200: { description: "Sending or scheduled", ...json(broadcastSchema) }, ...failures },
});

const cancelRoute = createRoute({
  method: "post",
  path: "/api/v1/broadcasts/{broadcastId}/cancel",
  tags: ["broadcasts"],
  summary: "Cancel a draft or scheduled broadcast, or stop one that is sending (the rest are not sent)",
  security: staffSecurity,
  middleware: [requireStaff("broadcasts.manage")] as const,
  request: { params: broadcastParams },
  responses: { 200: { description: "Cancelled", ...json(broadcastSchema) }, ...failures },
});

const testRoute = createRoute({
  method: "post",
  path: "/api/v1/broadcasts/test",
  tags: ["broadcasts"],
  summary: "Send the composed message to my own Telegram (linked by a staff invite), through the business's bot",
  security: staffSecurity,
  middleware: [requireStaff("broadcasts.manage")] as const,
  request: { body: { required: true, ...json(contentSchema) } },
  responses: {
    200: { description: "Sent", ...json(z.object({ sentTo: z.string() })) },
    503: problemResponse("Telegram could not be reached"),
    ...failures,
  },
});

export function broadcastRoutes(engine: EngineDeps, telegram: TestMessageDeps, trustProxy: TrustedProxies) {
  const staffCall = (c: Parameters<typeof staffOf>[0]) => {
    const { tenantId, ...actor } = staffOf(c, "admin", trustProxy);
    if (!actor.staffId || !actor.role) throw new Error("a staff route without a staff member");
    return { tenantId, actor: { ...actor, staffId: actor.staffId, role: actor.role } };
  };
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  return app
    .openapi(listRoute, async (c) => {
      const { tenantId, actor } = staffCall(c);
      const broadcasts = await listBroadcasts(engine, { tenantId, ...actor }, c.req.valid("query"));
      return c.json({ broadcasts, allowance: await broadcastAllowance(engine, tenantId) }, 200);
    })
    .openapi(allowanceRoute, async (c) => {
      const { tenantId } = staffCall(c);
      const { at } = c.req.valid("query");
      return c.json(await broadcastAllowance(engine, tenantId, at ? new Date(at) : undefined), 200);
    })
    .openapi(audienceRoute, async (c) => {
      const { tenantId, actor } = staffCall(c);
      return c.json(await countAudience(engine, { tenantId, ...actor }, c.req.valid("json").audience), 200);
    })
    .openapi(testRoute, async (c) =>
      c.json(await sendTestMessage(engine, telegram, { ...staffCall(c), input: c.req.valid("json") }), 200),
    )
    .openapi(createBroadcastRoute, async (c) => {
      const outcome = await createBroadcast(engine, {
        ...staffCall(c),
        input: c.req.valid("json"),
        idempotencyKey: c.req.valid("header")["idempotency-key"],
      });
      if (outcome.replayed) c.header("Idempotent-Replayed", "true");
      return c.json(outcome.broadcast, 201);
    })
    .openapi(detailRoute, async (c) => {
      const { tenantId, actor } = staffCall(c);
      return c.json(await broadcastDetail(engine, { tenantId, ...actor }, c.req.valid("param").broadcastId), 200);
    })
    .openapi(updateRoute, async (c) =>
      c.json(
        await updateBroadcast(engine, {
          ...staffCall(c),
          broadcastId: c.req.valid("param").broadcastId,
          input: c.req.valid("json"),
        }),
        200,
      ),
    )
    .openapi(sendRoute, async (c) => {
      const outcome = await sendBroadcast(engine, {
        ...staffCall(c),
        broadcastId: c.req.valid("param").broadcastId,
        input: c.req.valid("json"),
        idempotencyKey: c.req.valid("header")["idempotency-key"],
      });
      if (outcome.replayed) c.header("Idempotent-Replayed", "true");
      return c.json(outcome.broadcast, 200);
    })
    .openapi(cancelRoute, async (c) =>
      c.json(await cancelBroadcast(engine, { ...staffCall(c), broadcastId: c.req.valid("param").broadcastId }), 200),
    );
}
