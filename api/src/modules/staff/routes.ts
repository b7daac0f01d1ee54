// Staff management: the list, invitations by link, role / restaurant / deactivation changes,
// password links, ending a member's sessions, and the one-time link that ties a staff member's Telegram account to the
// tenant's bot so they can work the till from Telegram (cashier mode).
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { EngineDeps } from "../../core/context.ts";
import { accessLinkUrl } from "../../core/staff/access-links.ts";
import { endMemberSessions } from "../../core/staff/end-member-sessions.ts";
import {
  inviteStaff,
  issueStaffPasswordLink,
  listStaff,
  type StaffMember,
  updateStaff,
} from "../../core/staff/manage-staff.ts";
import { createStaffTelegramInvite, staffInviteLink } from "../../core/staff/telegram-invites.ts";
import { requireStaff, staffOf } from "../../http/caller.ts";
import type { TrustedProxies } from "../../http/client-ip.ts";
import type { AppEnv } from "../../http/context.ts";
import { errorResponses, problemResponse, staffSecurity } from "../../http/openapi.ts";
import { validationHook } from "../../http/problem.ts";

const staffParams = z.object({ staffId: z.uuid().openapi({ param: { name: "staffId", in: "path" } }) });
const roleSchema = z.enum(["owner", "admin", "manager", "cashier"]);

const memberSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  isActive: z.boolean(),
  restaurantIds: z.array(z.string()).openapi({ description: "Empty: every restaurant" }),
  hasPassword: z.boolean().openapi({ description: "false until an invited member has set a password" }),
  telegramLinked: z.boolean(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
});

const linkSchema = z.object({
  url: z.string().openapi({ description: "Opens the admin view's password page; works once. Shown only now" }),
  purpose: z.enum(["invite", "reset"]),
  expiresAt: z.string(),
});

const member = (m: StaffMember) => ({
  ...m,
  lastLoginAt: m.lastLoginAt?.toISOString() ?? null,
  createdAt: m.createdAt.toISOString(),
});

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/staff",
  tags: ["staff"],
  summary: "Everyone who works for the business",
  security: staffSecurity,
  middleware: [requireStaff("staff.read")] as const,
  responses: {
    200: {
      description: "Staff, oldest first",
      content: { "application/json": { schema: z.object({ items: z.array(memberSchema) }) } },
    },
    ...errorResponses,
  },
});

const createStaffRoute = createRoute({
  method: "post",
  path: "/api/v1/staff",
  tags: ["staff"],
  summary: "Invite a staff member: they get a link to set their password",
  description: "Owners invite anyone; admins invite managers and cashiers. The link works once, for 7 days.",
  security: staffSecurity,
  middleware: [requireStaff("staff.manage")] as const,
  request: {
    body: {
      content: {
        "application/json": {
          schema: z.object({
            email: z.email({ message: "must be an e-mail address" }).max(200),
            name: z.string().trim().min(1, { message: "is required" }).max(100),
            role: roleSchema,
            restaurantIds: z.array(z.uuid()).max(200).optional().openapi({
              description: "Limit a manager or cashier to these restaurants; empty or absent: every restaurant",
            }),
          }),
        },
      },
    },
  },
  responses: {
    201: {
      description: "Invited",
      content: { "application/json": { schema: z.object({ staff: memberSchema, invite: linkSchema }) } },
    },
    409: problemResponse("Someone with this e-mail is already on the staff"),
    ...errorResponses,
  },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/api/v1/staff/{staffId}",
  tags: ["staff"],
  summary: "Change a staff member's name, role, restaurants, or switch them off",
  description:
    "Deactivating closes their sessions at once. Nobody changes their own role or deactivates themselves; the last active owner stays an owner.",
  security: staffSecurity,
  middleware: [requireStaff("staff.manage")] as const,
  request: {
    params: staffParams,
    body: {
      content: {
        "application/json": {
          schema: z.object({
            name: z.string().trim().min(1).max(100).optional(),
            role: roleSchema.optional(),
            restaurantIds: z.array(z.uuid()).max(200).optional(),
            isActive: z.boolean().optional(),
          }),
        },
      },
    },
  },
  responses: {
    200: { description: "Changed", content: { "application/json": { schema: memberSchema } } },
    404: problemResponse("No such staff member"),
    409: problemResponse("The last active owner cannot be demoted or deactivated"),
    ...errorResponses,
  },
});

const passwordLinkRoute = createRoute({
  method: "post",
  path: "/api/v1/staff/{staffId}/password-link",
  tags: ["staff"],
  summary: "A new link to set a password: a fresh invitation, or a password reset",
  description:
    "An invitation while the member has never set a password (valid 7 days), else a reset (valid 24 hours). Older unused links stop working. A reset also ends every session and access token of the member at once (the till's from Telegram too), as for an account that may be in the wrong hands; the current password keeps working until the link is used.",
  security: staffSecurity,
  middleware: [requireStaff("staff.manage")] as const,
  request: { params: staffParams },
  responses: {
    201: { description: "The link, to pass on to the member", content: { "application/json": { schema: linkSchema } } },
    404: problemResponse("No such staff member"),
    409: problemResponse("The member is deactivated"),
    ...errorResponses,
  },
});

const endSessionsRoute = createRoute({
  method: "post",
  path: "/api/v1/staff/{staffId}/sessions/revoke-all",
  tags: ["staff"],
  summary: "End every session of a staff member: they must sign in again",
  description:
    "Closes all their admin view sessions and makes every access token they hold, the till's from Telegram included, refused on its next call (401 `session-access-changed`; a refresh then answers `session-ended-by-admin`). Their password does not change. Within the same role limits as other staff changes.",
  security: staffSecurity,
  middleware: [requireStaff("staff.manage")] as const,
  request: { params: staffParams },
  responses: {
    204: { description: "Ended" },
    404: problemResponse("No such staff member"),
    ...errorResponses,
  },
});

const inviteSchema = z.object({
  link: z.string().openapi({
    description: "Opens the tenant's bot; works once. Shown only now: the server keeps a hash of it",
    example: "https://t.me/demo_cafe_bot?start=inv_dGhpcy1pcy1hbi1leGFtcGxlLXRva2Vu",
  }),
  expiresAt: z.string().openapi({ example: "2026-11-24T10:00:00.000Z" }),
});

const telegramInviteRoute = createRoute({
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

export function staffRoutes(engine: EngineDeps, settings: { trustProxy: TrustedProxies; adminUrl: string }) {
  const link = (issued: { token: string; purpose: "invite" | "reset"; expiresAt: Date }) => ({
    url: accessLinkUrl(settings.adminUrl, issued.token),
    purpose: issued.purpose,
    expiresAt: issued.expiresAt.toISOString(),
  });
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(listRoute, async (c) => {
      const { tenantId } = staffOf(c, "admin", settings.trustProxy);
      return c.json({ items: (await listStaff(engine, tenantId)).map(member) }, 200);
    })
    .openapi(createStaffRoute, async (c) => {
      const { tenantId, ...actor } = staffOf(c, "admin", settings.trustProxy);
      const invited = await inviteStaff(engine, { tenantId, actor, input: c.req.valid("json") });
      return c.json({ staff: member(invited.member), invite: link(invited.link) }, 201);
    })
    .openapi(updateRoute, async (c) => {
      const { tenantId, ...actor } = staffOf(c, "admin", settings.trustProxy);
      const updated = await updateStaff(engine, {
        tenantId,
        actor,
        staffId: c.req.valid("param").staffId,
        patch: c.req.valid("json"),
      });
      return c.json(member(updated), 200);
    })
    .openapi(passwordLinkRoute, async (c) => {
      const { tenantId, ...actor } = staffOf(c, "admin", settings.trustProxy);
      const issued = await issueStaffPasswordLink(engine, { tenantId, actor, staffId: c.req.valid("param").staffId });
      return c.json(link(issued), 201);
    })
    .openapi(endSessionsRoute, async (c) => {
      const { tenantId, ...actor } = staffOf(c, "admin", settings.trustProxy);
      await endMemberSessions(engine, { tenantId, actor, staffId: c.req.valid("param").staffId });
      return c.body(null, 204);
    })
    .openapi(telegramInviteRoute, async (c) => {
      const { tenantId, ...actor } = staffOf(c, "admin", settings.trustProxy);
      const invite = await createStaffTelegramInvite(engine, {
        tenantId,
        actor,
        staffId: c.req.valid("param").staffId,
      });
      return c.json(
        { link: staffInviteLink(invite.botUsername, invite.token), expiresAt: invite.expiresAt.toISOString() },
        201,
      );
    });
}
