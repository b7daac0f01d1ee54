// Billing: the owner's subscription, plans, checkout through YooKassa, payment history, cancel and
// resume, refunds; and YooKassa's notification webhook. Without a YooKassa shop configured every
// route here answers 503 (the verbs refuse), so dev and demo run without billing.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import {
  type BillingDeps,
  type BillingSettings,
  billingEmail,
  cancelAtPeriodEnd,
  changeBillingEmail,
  createBillingDeps,
  createSourceAllowList,
  currentSubscription,
  listPayments,
  listPlans,
  refreshPayment,
  refundPayment,
  requireYooKassa,
  resumeSubscription,
  startCheckout,
  storeBillingNotification,
  type YooKassaClient,
  yookassaNotificationSchema,
} from "../../core/billing/index.ts";
import type { EngineDeps } from "../../core/context.ts";
import { requireStaff, staffOf } from "../../http/caller.ts";
import { clientIp, type TrustedProxies } from "../../http/client-ip.ts";
import type { AppEnv } from "../../http/context.ts";
import { errorResponses, idempotencyHeaders, problemResponse, staffSecurity } from "../../http/openapi.ts";
import { problem, validationHook } from "../../http/problem.ts";

const limitsSchema = z.object({
  restaurants: z.number().int().nullable(),
  staff: z.number().int().nullable(),
  guests: z.number().int().nullable(),
  broadcastsPerMonth: z.number().int().nullable(),
});

const planSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    priceMinor: z.string().openapi({ description: "kopecks, as a string", example: "149000" }),
    currency: z.string(),
    periodMonths: z.number().int(),
    trialDays: z.number().int().nullable(),
    limits: limitsSchema.openapi({ description: "null means unlimited" }),
  })
  .openapi("BillingPlan");

const subscriptionSchema = z
  .object({
    status: z.enum(["trialing", "active", "past_due", "restricted", "canceled"]),
    tenantStatus: z.enum(["active", "restricted", "suspended"]),
    plan: planSchema,
    nextPlan: planSchema.nullable(),
    currentPeriodStart: z.string(),
    currentPeriodEnd: z.string(),
    cancelAtPeriodEnd: z.boolean(),
    paymentMethod: z.object({ title: z.string().nullable() }).nullable(),
    graceUntil: z.string().nullable(),
    renewal: z.object({ failedAttempts: z.number().int(), nextAttemptAt: z.string().nullable() }),
    usage: z.object({
      restaurants: z.number().int(),
      activeStaff: z.number().int(),
      guests: z.number().int(),
      broadcastsThisMonth: z.number().int(),
    }),
    notice: z
      .enum(["trial_ending", "payment_failed", "past_due", "restricted", "canceled", "cancel_scheduled"])
      .nullable()
      .openapi({ description: "What the admin view should show a banner about" }),
  })
  .openapi("BillingSubscription");

const paymentSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["checkout", "renewal"]),
    plan: z.object({ id: z.string(), name: z.string() }),
    amountMinor: z.string(),
    currency: z.string(),
    status: z.enum(["pending", "waiting_for_capture", "succeeded", "canceled"]),
    confirmationUrl: z.string().nullable(),
    period: z.object({ start: z.string(), end: z.string() }),
    paidAt: z.string().nullable(),
    cancellationReason: z.string().nullable(),
    refundedMinor: z.string(),
    refunds: z.array(
      z.object({
        id: z.string(),
        amountMinor: z.string(),
        status: z.string(),
        reason: z.string().nullable(),
        createdAt: z.string(),
      }),
    ),
    createdAt: z.string(),
  })
  .openapi("BillingPayment");

const checkoutResultSchema = z
  .object({
    paymentId: z.string().nullable(),
    confirmationUrl: z.string().nullable().openapi({ description: "Send the owner here to confirm the payment" }),
    status: z.enum(["pending", "waiting_for_capture", "succeeded", "canceled", "scheduled"]),
    scheduledPlanId: z.string().nullable().openapi({ description: "A downgrade: the plan from the period's end" }),
    effectiveAt: z.string().nullable(),
  })
  .openapi("BillingCheckout");

const billingEmailSchema = z
  .object({
    email: z.string().nullable().openapi({
      description: "Where YooKassa sends the receipts; null until the first checkout or the owner sets one",
    }),
  })
  .openapi("BillingEmail");

const paymentParams = z.object({ paymentId: z.uuid().openapi({ param: { name: "paymentId", in: "path" } }) });
const unavailable = { 503: problemResponse("Billing is not configured, or YooKassa did not answer") };

const overviewRoute = createRoute({
  method: "get",
  path: "/api/v1/billing",
  tags: ["billing"],
  summary: "The subscription: plan, limits, usage, status, grace, and what to warn about",
  security: staffSecurity,
  middleware: [requireStaff("billing.read")] as const,
  responses: {
    200: { description: "The subscription now", content: { "application/json": { schema: subscriptionSchema } } },
    ...errorResponses,
    ...unavailable,
  },
});

const plansRoute = createRoute({
  method: "get",
  path: "/api/v1/billing/plans",
  tags: ["billing"],
  summary: "The plans on offer",
  security: staffSecurity,
  middleware: [requireStaff("billing.read")] as const,
  responses: {
    200: {
      description: "In display order",
      content: { "application/json": { schema: z.object({ plans: z.array(planSchema) }) } },
    },
    ...errorResponses,
    ...unavailable,
  },
});

const checkoutRoute = createRoute({
  method: "post",
  path: "/api/v1/billing/checkout",
  tags: ["billing"],
  summary: "Buy a plan (a YooKassa payment to confirm), or schedule a downgrade for the period's end",
  description:
    "A retry with the same Idempotency-Key answers with the same payment; YooKassa sees one payment. Send the owner to `confirmationUrl`; YooKassa sends them back to BILLING_RETURN_URL, where the page polls GET /api/v1/billing/payments/{paymentId}.",
  security: staffSecurity,
  middleware: [requireStaff("billing.manage")] as const,
  request: {
    headers: idempotencyHeaders,
    body: {
      required: true,
      content: { "application/json": { schema: z.object({ planId: z.string().min(1).max(50) }) } },
    },
  },
  responses: {
    201: {
      description: "The payment, or the scheduled downgrade",
      content: { "application/json": { schema: checkoutResultSchema } },
    },
    409: problemResponse("Already on this plan, or the Idempotency-Key was used for another plan"),
    ...errorResponses,
    ...unavailable,
  },
});

const paymentsRoute = createRoute({
  method: "get",
  path: "/api/v1/billing/payments",
  tags: ["billing"],
  summary: "Payment history, newest first, with refunds",
  security: staffSecurity,
  middleware: [requireStaff("billing.read")] as const,
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(100).default(50),
      before: z.iso.datetime().optional().openapi({ description: "nextBefore of the previous page" }),
    }),
  },
  responses: {
    200: {
      description: "A page of payments",
      content: {
        "application/json": {
          schema: z.object({ payments: z.array(paymentSchema), nextBefore: z.string().nullable() }),
        },
      },
    },
    ...errorResponses,
    ...unavailable,
  },
});

const paymentRoute = createRoute({
  method: "get",
  path: "/api/v1/billing/payments/{paymentId}",
  tags: ["billing"],
  summary: "One payment; asked of YooKassa again while it is still open (the return page polls this)",
  security: staffSecurity,
  middleware: [requireStaff("billing.read")] as const,
  request: { params: paymentParams },
  responses: {
    200: { description: "The payment now", content: { "application/json": { schema: paymentSchema } } },
    404: problemResponse("No such payment"),
    ...errorResponses,
    ...unavailable,
  },
});

const cancelRoute = createRoute({
  method: "post",
  path: "/api/v1/billing/cancel",
  tags: ["billing"],
  summary: "Cancel at the period's end: no more renewals; what is paid stays paid",
  security: staffSecurity,
  middleware: [requireStaff("billing.manage")] as const,
  request: {
    body: {
      required: false,
      content: { "application/json": { schema: z.object({ reason: z.string().trim().max(500).optional() }) } },
    },
  },
  responses: {
    200: { description: "The subscription now", content: { "application/json": { schema: subscriptionSchema } } },
    409: problemResponse("Nothing paid to cancel"),
    ...errorResponses,
    ...unavailable,
  },
});

const resumeRoute = createRoute({
  method: "post",
  path: "/api/v1/billing/resume",
  tags: ["billing"],
  summary: "Undo a cancellation before the period ends",
  security: staffSecurity,
  middleware: [requireStaff("billing.manage")] as const,
  responses: {
    200: { description: "The subscription now", content: { "application/json": { schema: subscriptionSchema } } },
    409: problemResponse("The subscription has already ended"),
    ...errorResponses,
    ...unavailable,
  },
});

const refundRoute = createRoute({
  method: "post",
  path: "/api/v1/billing/payments/{paymentId}/refund",
  tags: ["billing"],
  summary: "Refund a payment, in full or in part (audited; usually at platform support's request)",
  security: staffSecurity,
  middleware: [requireStaff("billing.manage")] as const,
  request: {
    params: paymentParams,
    headers: idempotencyHeaders,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({
            amountMinor: z
              .number()
              .int()
              .positive()
              .optional()
              .openapi({ description: "kopecks; the whole remainder if absent" }),
            reason: z.string().trim().min(3).max(500),
          }),
        },
      },
    },
  },
  responses: {
    200: { description: "The payment with its refunds", content: { "application/json": { schema: paymentSchema } } },
    404: problemResponse("No such payment"),
    409: problemResponse("Not a completed payment, or refunded in full"),
    ...errorResponses,
    ...unavailable,
  },
});

const emailRoute = createRoute({
  method: "get",
  path: "/api/v1/billing/email",
  tags: ["billing"],
  summary: "The billing e-mail the receipts of payments and refunds go to",
  security: staffSecurity,
  middleware: [requireStaff("billing.manage")] as const,
  responses: {
    200: { description: "The e-mail, or null", content: { "application/json": { schema: billingEmailSchema } } },
    ...errorResponses,
    ...unavailable,
  },
});

const changeEmailRoute = createRoute({
  method: "put",
  path: "/api/v1/billing/email",
  tags: ["billing"],
  summary: "Change where the receipts go (audited); the next renewal's receipt goes there",
  description:
    "A request YooKassa has already been sent keeps its receipt (a retry sends the same body); every payment and refund created after the change carries the new address. A checkout fills it in when none is set.",
  security: staffSecurity,
  middleware: [requireStaff("billing.manage")] as const,
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          // Any string: the verb checks the address (the body limit bounds its length), so every
          // bad one gets the same 422 with messageKey billing-email-invalid on the field.
          schema: z.object({ email: z.string().openapi({ example: "accounts@example.com" }) }),
        },
      },
    },
  },
  responses: {
    200: { description: "The e-mail now", content: { "application/json": { schema: billingEmailSchema } } },
    ...errorResponses,
    422: problemResponse(
      "Not an e-mail address (messageKey billing-email-invalid, on the field `email`); nothing saved",
    ),
    ...unavailable,
  },
});

export interface BillingRouteOptions {
  billing: BillingSettings;
  trustProxy: TrustedProxies;
  /** tests may hand in their own client; by default one is built from the settings */
  yookassa?: YooKassaClient | null;
}

export function billingRoutes(engine: EngineDeps, options: BillingRouteOptions) {
  const { trustProxy } = options;
  const deps: BillingDeps = createBillingDeps(
    engine,
    options.billing,
    ...(options.yookassa === undefined ? [] : [options.yookassa]),
  );
  const allowList = createSourceAllowList(options.billing.allowedIps);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  // YooKassa's notifications: no credentials (YooKassa signs nothing); the sender's address must
  // be one of YooKassa's, then the notification is stored before the 200 and settled by the
  // workers from YooKassa's API. A malformed body from YooKassa's address gets 422 and is not
  // stored: it cannot become valid on a retry, YooKassa's retries (for up to a day) are harmless,
  // and the 422s in its dashboard and our log are how someone notices a format change. A
  // well-formed event billing does not handle is stored as ignored and answered 200, so YooKassa
  // stops sending it.
  app.post("/api/v1/billing/yookassa/notifications", async (c) => {
    const ip = clientIp(c, trustProxy);
    if (!allowList.allows(ip)) {
      return problem(c, {
        code: "FORBIDDEN",
        detail: "Notifications are accepted only from YooKassa's addresses (YOOKASSA_ALLOWED_IPS).",
      });
    }
    requireYooKassa(deps);
    c.set("principal", "yookassa");
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return problem(c, {
        code: "VALIDATION",
        detail: "The body is not JSON.",
        errors: [{ path: "", message: "is not JSON" }],
      });
    }
    const parsed = yookassaNotificationSchema.safeParse(body);
    if (!parsed.success) {
      return problem(c, {
        code: "VALIDATION",
        detail: "This is not a YooKassa notification.",
        errors: parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
      });
    }
    const stored = await storeBillingNotification(engine.db, parsed.data, ip);
    return c.json({ ok: true, duplicate: !stored.stored }, 200);
  });

  app.openAPIRegistry.registerPath({
    method: "post",
    path: "/api/v1/billing/yookassa/notifications",
    tags: ["billing"],
    summary: "YooKassa's HTTP notifications (payment.succeeded, payment.canceled, refund.succeeded, ...)",
    description:
      "Accepted only from YOOKASSA_ALLOWED_IPS (YooKassa's published ranges; behind a proxy set TRUST_PROXY to its addresses). Stored before the answer; the workers fetch the payment or refund from YooKassa and act only on that.",
    request: {
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z.object({
              type: z.literal("notification"),
              event: z.string(),
              object: z.object({ id: z.string() }),
            }),
          },
        },
      },
    },
    responses: {
      200: {
        description: "Stored (or already stored: duplicate)",
        content: { "application/json": { schema: z.object({ ok: z.literal(true), duplicate: z.boolean() }) } },
      },
      403: problemResponse("Not from YooKassa's addresses; nothing stored"),
      422: problemResponse("Not a YooKassa notification; nothing stored"),
      503: problemResponse("Billing is not configured"),
    },
  });

  return app
    .openapi(overviewRoute, async (c) => {
      const { tenantId } = staffOf(c, "admin", trustProxy);
      requireYooKassa(deps);
      return c.json(await currentSubscription(deps, tenantId), 200);
    })
    .openapi(plansRoute, async (c) => {
      const { tenantId } = staffOf(c, "admin", trustProxy);
      requireYooKassa(deps);
      return c.json({ plans: await listPlans(deps, tenantId) }, 200);
    })
    .openapi(checkoutRoute, async (c) => {
      const { tenantId, ...actor } = staffOf(c, "admin", trustProxy);
      const result = await startCheckout(deps, {
        tenantId,
        actor,
        planId: c.req.valid("json").planId,
        idempotencyKey: c.req.valid("header")["idempotency-key"],
      });
      return c.json(result, 201);
    })
    .openapi(paymentsRoute, async (c) => {
      const { tenantId } = staffOf(c, "admin", trustProxy);
      requireYooKassa(deps);
      return c.json(await listPayments(deps, tenantId, c.req.valid("query")), 200);
    })
    .openapi(paymentRoute, async (c) => {
      const { tenantId } = staffOf(c, "admin", trustProxy);
      requireYooKassa(deps);
      return c.json(await refreshPayment(deps, tenantId, c.req.valid("param").paymentId), 200);
    })
    .openapi(cancelRoute, async (c) => {
      const { tenantId, ...actor } = staffOf(c, "admin", trustProxy);
      const body = (c.req.valid("json") as { reason?: string } | undefined) ?? {};
      return c.json(await cancelAtPeriodEnd(deps, { tenantId, actor, reason: body.reason }), 200);
    })
    .openapi(resumeRoute, async (c) => {
      const { tenantId, ...actor } = staffOf(c, "admin", trustProxy);
      return c.json(await resumeSubscription(deps, { tenantId, actor }), 200);
    })
    .openapi(emailRoute, async (c) => {
      const { tenantId } = staffOf(c, "admin", trustProxy);
      return c.json(await billingEmail(deps, tenantId), 200);
    })
    .openapi(changeEmailRoute, async (c) => {
      const { tenantId, ...actor } = staffOf(c, "admin", trustProxy);
      return c.json(await changeBillingEmail(deps, { tenantId, actor, email: c.req.valid("json").email }), 200);
    })
    .openapi(refundRoute, async (c) => {
      const { tenantId, ...actor } = staffOf(c, "admin", trustProxy);
      const body = c.req.valid("json");
      const payment = await refundPayment(deps, {
        tenantId,
        actor,
        paymentId: c.req.valid("param").paymentId,
        amountMinor: body.amountMinor,
        reason: body.reason,
        idempotencyKey: c.req.valid("header")["idempotency-key"],
      });
      return c.json(payment, 200);
    });
}
