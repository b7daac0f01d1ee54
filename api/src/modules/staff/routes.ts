// Staff management. For now one thing: a one-time link that ties a staff member's Telegram
// account to the tenant's bot, so they can work the till from Telegram (cashier mode).
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { EngineDeps } from "../../core/context.ts";
import { createStaffTelegramInvite, staffInviteLink } from "../../core/staff/telegram-invites.ts";
import { requireStaff, staffOf } from "../../http/caller.ts";
import type { AppEnv } from "../../http/context.ts";
import { errorResponses, problemResponse, staffSecurity } from "../../http/openapi.ts";
import { validationHook } from "../../http/problem.ts";

const staffParams = z.object({ staffId: z.uuid().openapi({ param: { name: "staffId", in: "path" } }) });

const inviteSchema = z.object({
  link: z.string().openapi({
    description: "Opens the tenant's bot; works once. Shown only now: the server keeps a hash of it",
    example: "https://t.me/demo_cafe_bot?start=inv_dGhpcy1pcy1hbi1leGFtcGxlLXRva2Vu",
  }),
  expiresAt: z.string().openapi({ example: "2026-11-24T10:00:00.000Z" }),
});

const inviteRoute = createRoute({
  method: "post",
  path: "/api/v1/staff/{staffId}/telegram-invite",
  tags: ["staff"],
  summary: "A one-time link that ties a staff member's Telegram account to the tenant's bot",
  description: "Managers may invite managers and cashiers; owners and admins anyone. Every call makes a new link.",
  security: staffSecurity,
  middleware: [requireStaff("staff.invite")] as const,
  request: { params: staffParams },
  responses: {
    201: {
      description: "The link, to send to the staff member",
      content: { "application/json": { schema: inviteSchema } },
    },
    404: problemResponse("No such staff member"),
    409: problemResponse("The tenant has no Telegram bot connected yet"),
    ...errorResponses,
  },
});

export function staffRoutes(engine: EngineDeps, trustProxy: boolean) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(inviteRoute, async (c) => {
    const { tenantId, ...actor } = staffOf(c, "admin", trustProxy);
    const invite = await createStaffTelegramInvite(engine, { tenantId, actor, staffId: c.req.valid("param").staffId });
    return c.json(
      { link: staffInviteLink(invite.botUsername, invite.token), expiresAt: invite.expiresAt.toISOString() },
      201,
    );
  });
}
