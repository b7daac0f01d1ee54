// Restaurant events: staff manage them and check guests in (Bearer token); guests list them and
// register or cancel from the Mini App (Authorization: tma + X-Tenant); covers are public.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { EngineDeps } from "../../core/context.ts";
import { cancelEvent } from "../../core/events/cancel-event.ts";
import { cancelRegistration } from "../../core/events/cancel-registration.ts";
import { checkInGuest } from "../../core/events/check-in.ts";
import { createEvent } from "../../core/events/create-event.ts";
import {
  type Cover,
  coverTypes,
  eventCover,
  MAX_COVER_BYTES,
  putEventCover,
  staffEventCover,
} from "../../core/events/event-cover.ts";
import { eventStatuses } from "../../core/events/event-rows.ts";
import { finishEvent } from "../../core/events/finish-event.ts";
import { guestEvents, guestEventView } from "../../core/events/guest-events.ts";
import { eventDetail, eventListQuerySchema, eventRegistrations, listEvents } from "../../core/events/list-events.ts";
import { publishEvent } from "../../core/events/publish-event.ts";
import { registerForEvent } from "../../core/events/register-guest.ts";
import {
  cancelEventInputSchema,
  checkInInputSchema,
  createEventInputSchema,
  updateEventInputSchema,
} from "../../core/events/schemas.ts";
import { updateEvent } from "../../core/events/update-event.ts";
import { bodyLimitByLength } from "../../http/body-limit.ts";
import { guestOf, requireGuest, requireStaff, staffOf } from "../../http/caller.ts";
import type { TrustedProxies } from "../../http/client-ip.ts";
import type { AppEnv } from "../../http/context.ts";
import {
  errorResponses,
  guestSecurity,
  idempotencyHeaders,
  problemResponse,
  staffSecurity,
  tenantHeaders,
} from "../../http/openapi.ts";
import { problem, validationHook } from "../../http/problem.ts";
import { staffChannel } from "../../http/staff-channel.ts";

const eventSchema = z
  .object({
    id: z.string(),
    restaurantId: z.string().nullable(),
    title: z.string(),
    description: z.string(),
    startsAt: z.string(),
    endsAt: z.string(),
    capacity: z.number().int(),
    minLevelId: z.string().nullable(),
    pricePoints: z.number().int(),
    attendanceBonusPoints: z.number().int(),
    registrationDeadline: z.string().nullable(),
    status: z.enum(eventStatuses),
    registeredCount: z.number().int(),
    waitlistedCount: z.number().int(),
    checkedInCount: z.number().int(),
    placesLeft: z.number().int(),
    hasCover: z.boolean(),
    publishedAt: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    cancelReason: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Event");

const registrationSchema = z
  .object({
    id: z.string(),
    guest: z.object({ id: z.string(), name: z.string(), phone: z.string().nullable() }),
    status: z.enum(["registered", "waitlisted", "cancelled"]),
    waitlistPosition: z.number().int().nullable(),
    paidPoints: z.number().int(),
    refunded: z.boolean(),
    checkedInAt: z.string().nullable(),
    promotedAt: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("EventRegistration");

const guestEventSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    startsAt: z.string(),
    endsAt: z.string(),
    timeZone: z.string(),
    restaurant: z.object({ id: z.string(), name: z.string() }).nullable(),
    pricePoints: z.number().int(),
    attendanceBonusPoints: z.number().int(),
    minLevel: z.object({ id: z.string(), name: z.string() }).nullable(),
    registrationDeadline: z.string().nullable(),
    status: z.enum(["published", "cancelled", "finished"]),
    placesLeft: z.number().int(),
    full: z.boolean(),
    coverUrl: z.string().nullable(),
    my: z.object({
      status: z.enum(["none", "registered", "waitlisted", "cancelled"]),
      waitlistPosition: z.number().int().nullable(),
      checkedIn: z.boolean(),
    }),
  })
  .openapi("GuestEvent");

const checkInResultSchema = z
  .object({
    registrationId: z.string(),
    eventId: z.string(),
    guest: z.object({ id: z.string(), name: z.string() }),
    checkedInAt: z.string(),
    bonusPoints: z.number().int(),
    balance: z.number().int().nullable(),
    bonusWithheld: z.number().int().openapi({
      description:
        "Attendance points not credited: the guest joined beyond the plan's guest limit and the plan is restricted (unpaid or ended)",
    }),
  })
  .openapi("EventCheckIn");

const eventParams = z.object({ eventId: z.uuid().openapi({ param: { name: "eventId", in: "path" } }) });

const json = <S extends z.ZodType>(schema: S) => ({ content: { "application/json": { schema } } });

const staffFailures = {
  404: problemResponse("No such event"),
  409: problemResponse("The event's state does not allow this"),
  ...errorResponses,
};

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/events",
  tags: ["events"],
  summary: "Events with their counts (registered, waitlisted, checked in), soonest first",
  security: staffSecurity,
  middleware: [requireStaff("events.read")] as const,
  request: { query: eventListQuerySchema },
  responses: {
    200: {
      description: "Events with their counts (registered, waitlisted, checked in), soonest first",
      ...json(z.object({ events: z.array(eventSchema) })),
    },
    ...staffFailures,
  },
});

const createEventRoute = createRoute({
  method: "post",
  path: "/api/v1/events",
  tags: ["events"],
  summary: "Create an event (a draft). Times are ISO 8601 with the tenant's offset",
  security: staffSecurity,
  middleware: [requireStaff("events.manage")] as const,
  request: { body: { required: true, ...json(createEventInputSchema) } },
  responses: {
    201: {
      description: "Create an event (a draft). Times are ISO 8601 with the tenant's offset",
      ...json(eventSchema),
    },
    ...staffFailures,
  },
});

const detailRoute = createRoute({
  method: "get",
  path: "/api/v1/events/{eventId}",
  tags: ["events"],
  summary: "One event with its counts",
  security: staffSecurity,
  middleware: [requireStaff("events.read")] as const,
  request: { params: eventParams },
  responses: { 200: { description: "One event with its counts", ...json(eventSchema) }, ...staffFailures },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/api/v1/events/{eventId}",
  tags: ["events"],
  summary: "Change a draft or published event; a larger capacity promotes waitlisted guests",
  security: staffSecurity,
  middleware: [requireStaff("events.manage")] as const,
  request: { params: eventParams, body: { required: true, ...json(updateEventInputSchema) } },
  responses: {
    200: {
      description: "Change a draft or published event; a larger capacity promotes waitlisted guests",
      ...json(eventSchema),
    },
    ...staffFailures,
  },
});

const publishRoute = createRoute({
  method: "post",
  path: "/api/v1/events/{eventId}/publish",
  tags: ["events"],
  summary: "Publish a draft: guests see it and may register",
  security: staffSecurity,
  middleware: [requireStaff("events.manage")] as const,
  request: { params: eventParams },
  responses: {
    200: { description: "Publish a draft: guests see it and may register", ...json(eventSchema) },
    ...staffFailures,
  },
});

const cancelRoute = createRoute({
  method: "post",
  path: "/api/v1/events/{eventId}/cancel",
  tags: ["events"],
  summary: "Cancel the event: every guest is told, points paid are returned",
  security: staffSecurity,
  middleware: [requireStaff("events.manage")] as const,
  request: { params: eventParams, body: { required: true, ...json(cancelEventInputSchema) } },
  responses: {
    200: { description: "Cancel the event: every guest is told, points paid are returned", ...json(eventSchema) },
    ...staffFailures,
  },
});

const finishRoute = createRoute({
  method: "post",
  path: "/api/v1/events/{eventId}/finish",
  tags: ["events"],
  summary: "Mark a published event as over (the scheduler does it after its end)",
  security: staffSecurity,
  middleware: [requireStaff("events.manage")] as const,
  request: { params: eventParams },
  responses: {
    200: { description: "Mark a published event as over (the scheduler does it after its end)", ...json(eventSchema) },
    ...staffFailures,
  },
});

const registrationsRoute = createRoute({
  method: "get",
  path: "/api/v1/events/{eventId}/registrations",
  tags: ["events"],
  summary: "Registered guests, then the waitlist in order, then cancellations",
  security: staffSecurity,
  middleware: [requireStaff("events.read")] as const,
  request: { params: eventParams },
  responses: {
    200: {
      description: "Registered guests, then the waitlist in order, then cancellations",
      ...json(z.object({ registrations: z.array(registrationSchema) })),
    },
    ...staffFailures,
  },
});

const checkInRoute = createRoute({
  method: "post",
  path: "/api/v1/events/{eventId}/check-in",
  tags: ["events"],
  summary: "Check a registered guest in (QR token, code, phone or guest id); the bonus is credited once",
  security: staffSecurity,
  middleware: [requireStaff("events.checkIn")] as const,
  request: { params: eventParams, body: { required: true, ...json(checkInInputSchema) } },
  responses: {
    200: {
      description: "Check a registered guest in (QR token, code, phone or guest id); the bonus is credited once",
      ...json(checkInResultSchema),
    },
    ...staffFailures,
  },
});

// The app's general body limit skips this path (see app.ts); this is the cover's own.
const coverBodyLimit = bodyLimitByLength({
  maxSize: MAX_COVER_BYTES,
  onError: (c) =>
    problem(c, {
      code: "PAYLOAD_TOO_LARGE",
      detail: "A cover may be at most 2 MB.",
      messageKey: "event-cover-too-large",
    }),
});
const binary = z.string().openapi({ format: "binary" });
const putCoverRoute = createRoute({
  method: "put",
  path: "/api/v1/events/{eventId}/cover",
  tags: ["events"],
  summary: "Upload the cover: the image itself as the body (image/jpeg, image/png or image/webp, at most 2 MB)",
  security: staffSecurity,
  middleware: [requireStaff("events.manage"), coverBodyLimit] as const,
  request: {
    params: eventParams,
    body: { required: true, content: Object.fromEntries(coverTypes.map((type) => [type, { schema: binary }])) },
  },
  responses: {
    200: {
      description: "Stored",
      ...json(z.object({ contentType: z.string(), size: z.number().int(), updatedAt: z.string() })),
    },
    404: problemResponse("No such event"),
    413: problemResponse("Larger than 2 MB"),
    ...errorResponses,
  },
});
const getCoverRoute = createRoute({
  method: "get",
  path: "/api/v1/events/{eventId}/cover",
  tags: ["events"],
  summary:
    "The cover image of a published, finished or cancelled event. Public, named by the tenant's slug and the event's id, so an <img> can load it",
  request: { params: eventParams, query: z.object({ tenant: z.string().min(1).max(100) }) },
  responses: {
    200: {
      description: "The image",
      content: Object.fromEntries(coverTypes.map((type) => [type, { schema: binary }])),
    },
    304: { description: "Not modified" },
    404: problemResponse("No such event, no cover, or the event is a draft"),
    422: errorResponses[422],
  },
});
const previewCoverRoute = createRoute({
  method: "get",
  path: "/api/v1/events/{eventId}/cover/preview",
  tags: ["events"],
  summary: "The cover as staff see it, a draft's included (the public address serves announced events' only)",
  security: staffSecurity,
  middleware: [requireStaff("events.read")] as const,
  request: { params: eventParams },
  responses: {
    200: {
      description: "The image",
      content: Object.fromEntries(coverTypes.map((type) => [type, { schema: binary }])),
    },
    304: { description: "Not modified" },
    ...staffFailures,
  },
});

/** The image with its validator; `cacheControl` says who may keep it. */
function coverResponse(c: Context<AppEnv>, cover: Cover | null, cacheControl: string) {
  if (!cover)
    return problem(c, { code: "NOT_FOUND", detail: "This event has no cover.", messageKey: "event-cover-none" });
  const etag = `"${cover.updatedAt.getTime().toString(36)}-${cover.bytes.length}"`;
  const headers = { ETag: etag, "Cache-Control": cacheControl, "X-Content-Type-Options": "nosniff" };
  if (c.req.header("if-none-match") === etag) return c.body(null, 304, headers);
  return c.body(new Uint8Array(cover.bytes), 200, { ...headers, "Content-Type": cover.contentType });
}

const guestFailures = {
  401: errorResponses[401],
  404: problemResponse("No such event"),
  409: problemResponse("Registration closed, level too low, not enough points, or the event has begun"),
  422: errorResponses[422],
};
const guestListRoute = createRoute({
  method: "get",
  path: "/api/v1/me/events",
  tags: ["guest"],
  summary: "Upcoming events, with my status and places left",
  security: guestSecurity,
  request: { headers: tenantHeaders },
  responses: {
    200: { description: "Soonest first", ...json(z.object({ events: z.array(guestEventSchema) })) },
    ...guestFailures,
  },
});
const guestDetailRoute = createRoute({
  method: "get",
  path: "/api/v1/me/events/{eventId}",
  tags: ["guest"],
  summary: "One event, with my status",
  security: guestSecurity,
  request: { headers: tenantHeaders, params: eventParams },
  responses: { 200: { description: "The event", ...json(guestEventSchema) }, ...guestFailures },
});
const registerRoute = createRoute({
  method: "post",
  path: "/api/v1/me/events/{eventId}/registration",
  tags: ["guest"],
  summary: "Register (paying the price in points), or join the waitlist when full; a retry answers the same",
  security: guestSecurity,
  request: { headers: tenantHeaders.merge(idempotencyHeaders), params: eventParams },
  responses: { 200: { description: "The event with my status now", ...json(guestEventSchema) }, ...guestFailures },
});
const unregisterRoute = createRoute({
  method: "delete",
  path: "/api/v1/me/events/{eventId}/registration",
  tags: ["guest"],
  summary: "Cancel my registration or leave the waitlist; points paid are returned",
  security: guestSecurity,
  request: { headers: tenantHeaders, params: eventParams },
  responses: { 200: { description: "The event with my status now", ...json(guestEventSchema) }, ...guestFailures },
});

export function eventRoutes(engine: EngineDeps, trustProxy: TrustedProxies) {
  const guest = requireGuest(engine);
  const staffCall = (c: Parameters<typeof staffOf>[0]) => {
    const { tenantId, ...actor } = staffOf(c, "admin", trustProxy);
    if (!actor.staffId || !actor.role) throw new Error("a staff route without a staff member");
    return { tenantId, actor: { ...actor, staffId: actor.staffId, role: actor.role } };
  };
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use("/api/v1/me/events", guest);
  app.use("/api/v1/me/events/*", guest);
  return app
    .openapi(listRoute, async (c) => {
      const { tenantId, actor } = staffCall(c);
      const events = await listEvents(engine, { tenantId, ...actor }, c.req.valid("query"));
      return c.json({ events }, 200);
    })
    .openapi(createEventRoute, async (c) =>
      c.json(await createEvent(engine, { ...staffCall(c), input: c.req.valid("json") }), 201),
    )
    .openapi(detailRoute, async (c) => {
      const { tenantId, actor } = staffCall(c);
      return c.json(await eventDetail(engine, { tenantId, ...actor }, c.req.valid("param").eventId), 200);
    })
    .openapi(updateRoute, async (c) =>
      c.json(
        await updateEvent(engine, {
          ...staffCall(c),
          eventId: c.req.valid("param").eventId,
          input: c.req.valid("json"),
        }),
        200,
      ),
    )
    .openapi(publishRoute, async (c) =>
      c.json(await publishEvent(engine, { ...staffCall(c), eventId: c.req.valid("param").eventId }), 200),
    )
    .openapi(cancelRoute, async (c) =>
      c.json(
        await cancelEvent(engine, {
          ...staffCall(c),
          eventId: c.req.valid("param").eventId,
          input: c.req.valid("json"),
        }),
        200,
      ),
    )
    .openapi(finishRoute, async (c) =>
      c.json(await finishEvent(engine, { ...staffCall(c), eventId: c.req.valid("param").eventId }), 200),
    )
    .openapi(registrationsRoute, async (c) => {
      const { tenantId, actor } = staffCall(c);
      const registrations = await eventRegistrations(engine, { tenantId, ...actor }, c.req.valid("param").eventId);
      return c.json({ registrations }, 200);
    })
    .openapi(checkInRoute, async (c) => {
      const call = { ...staffCall(c), eventId: c.req.valid("param").eventId, input: c.req.valid("json") };
      call.actor.source = "cashier";
      call.actor.channel = staffChannel(c);
      const outcome = await checkInGuest(engine, call);
      if (outcome.replayed) c.header("Idempotent-Replayed", "true");
      return c.json(outcome.result, 200);
    })
    .openapi(putCoverRoute, async (c) => {
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      const stored = await putEventCover(engine, {
        ...staffCall(c),
        eventId: c.req.valid("param").eventId,
        input: { contentType: c.req.header("content-type") ?? "", bytes },
      });
      return c.json(stored, 200);
    })
    .openapi(getCoverRoute, async (c) => {
      const cover = await eventCover(engine, c.req.valid("query").tenant, c.req.valid("param").eventId);
      // Public and revalidated: a new upload shows within the hour, and an unchanged one costs a 304.
      return coverResponse(c, cover, "public, max-age=3600");
    })
    .openapi(previewCoverRoute, async (c) => {
      const { tenantId, actor } = staffCall(c);
      const cover = await staffEventCover(engine, { tenantId, ...actor }, c.req.valid("param").eventId);
      // Behind a sign-in: no shared cache keeps it, and the browser asks each time (a 304 when unchanged).
      return coverResponse(c, cover, "private, no-cache");
    })
    .openapi(guestListRoute, async (c) => {
      const { tenantId, guestId } = guestOf(c);
      return c.json({ events: await guestEvents(engine, tenantId, guestId) }, 200);
    })
    .openapi(guestDetailRoute, async (c) => {
      const { tenantId, guestId } = guestOf(c);
      return c.json(await guestEventView(engine, tenantId, guestId, c.req.valid("param").eventId), 200);
    })
    .openapi(registerRoute, async (c) => {
      const { tenantId, guestId } = guestOf(c);
      const outcome = await registerForEvent(engine, {
        tenantId,
        guestId,
        eventId: c.req.valid("param").eventId,
        idempotencyKey: c.req.header("idempotency-key") ?? "",
        channel: "miniapp",
      });
      if (outcome.replayed) c.header("Idempotent-Replayed", "true");
      return c.json(outcome.event, 200);
    })
    .openapi(unregisterRoute, async (c) => {
      const { tenantId, guestId } = guestOf(c);
      return c.json(
        await cancelRegistration(engine, { tenantId, guestId, eventId: c.req.valid("param").eventId }),
        200,
      );
    });
}
