// The program settings page: read the program and its levels, preview an edit, save it.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { EngineDeps } from "../../core/context.ts";
import { previewProgram } from "../../core/program/preview-program.ts";
import { readProgram } from "../../core/program/program-document.ts";
import { programInputSchema, programUpdateSchema } from "../../core/program/program-schemas.ts";
import { updateProgram } from "../../core/program/update-program.ts";
import { requireStaff, staffOf } from "../../http/caller.ts";
import type { TrustedProxies } from "../../http/client-ip.ts";
import type { AppEnv } from "../../http/context.ts";
import { errorResponses, problemResponse, staffSecurity } from "../../http/openapi.ts";
import { validationHook } from "../../http/problem.ts";

const minor = z.string().openapi({ description: "minor units (kopecks) as a decimal string", example: "1500000" });

const programSchema = z
  .object({
    version: z.number().int().openapi({ description: "Send it back with PUT; 0 when no program was saved yet" }),
    updatedAt: z.string().nullable(),
    earnRateBps: z.number().int().openapi({ description: "Base earn rate for guests without a level, basis points" }),
    maxRedeemShareBps: z.number().int().openapi({ description: "Largest share of a check payable with points" }),
    roundingMode: z.enum(["floor", "half_up", "ceil"]),
    pointValueMinor: z.number().int().openapi({ description: "What one point is worth when spent, minor units" }),
    pointsLifetimeDays: z.number().int().nullable().openapi({ description: "null: points never expire" }),
    expiryReminderDays: z.number().int(),
    welcomeBonusPoints: z.number().int(),
    birthdayBonusPoints: z.number().int(),
    birthdayDaysBefore: z.number().int(),
    birthdayDaysAfter: z.number().int(),
    minCheckMinor: minor,
    levelWindowDays: z.number().int().nullable().openapi({ description: "null: lifetime spend counts" }),
    levelDowngradeGraceDays: z.number().int(),
    levels: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        rank: z.number().int().openapi({ description: "0 = entry level" }),
        thresholdMinor: minor,
        earnRateBps: z.number().int(),
        guests: z
          .number()
          .int()
          .openapi({ description: "Guests on this level; a level with guests cannot be removed" }),
      }),
    ),
  })
  .openapi("Program");

const levelRef = z.object({
  id: z.string().nullable().openapi({ description: "null: a new level" }),
  name: z.string(),
});

const changeSchema = z
  .object({
    field: z.string().openapi({ example: "levels.thresholdMinor" }),
    level: levelRef.optional(),
    from: z.unknown(),
    to: z.unknown(),
  })
  .openapi("ProgramChange");

const previewSchema = z
  .object({
    changes: z.array(changeSchema),
    levelMoves: z.array(
      z.object({
        fromLevel: levelRef.nullable(),
        toLevel: levelRef.nullable(),
        guests: z.number().int(),
        when: z.enum(["now", "after_grace"]).openapi({
          description: "now: right after saving; after_grace: once the downgrade grace period ends",
        }),
      }),
    ),
    examples: z.array(z.object({ spentMinor: minor, fromLevel: levelRef.nullable(), toLevel: levelRef.nullable() })),
  })
  .openapi("ProgramPreview");

const readRoute = createRoute({
  method: "get",
  path: "/api/v1/program",
  tags: ["program"],
  summary: "The loyalty program: every setting, the levels, and the version to save against",
  description:
    "Earn rates, redemption share, rounding, point value, expiry, bonuses, level window and grace, and the levels in rank order with how many guests each holds.",
  security: staffSecurity,
  middleware: [requireStaff("program.read")] as const,
  responses: {
    200: { description: "The program", content: { "application/json": { schema: programSchema } } },
    ...errorResponses,
  },
});

const saveRoute = createRoute({
  method: "put",
  path: "/api/v1/program",
  tags: ["program"],
  summary: "Save the whole program: settings and levels",
  description:
    "Levels are listed in rank order (a level's rank is its position); a level without `id` is new, an existing level left out is removed (refused with 409 while guests are on it). Thresholds must rise strictly from 0. `version` is the one read: a save over a newer version is refused with 409. Guests' levels follow the new thresholds shortly after: upgrades at once, downgrades after the grace period. Audited.",
  security: staffSecurity,
  middleware: [requireStaff("program.manage")] as const,
  request: { body: { required: true, content: { "application/json": { schema: programUpdateSchema } } } },
  responses: {
    200: {
      description: "The program as saved, with its new version",
      content: { "application/json": { schema: z.object({ program: programSchema, changes: z.array(changeSchema) }) } },
    },
    409: problemResponse("Changed by someone else since it was read, or a removed level still has guests"),
    ...errorResponses,
  },
});

const previewRoute = createRoute({
  method: "post",
  path: "/api/v1/program/preview",
  tags: ["program"],
  summary: "What saving this program would change, without saving it",
  description:
    "The same document as PUT (no version needed). Answers the changed fields, how many guests would move between levels and when, and example spends whose level would change.",
  security: staffSecurity,
  middleware: [requireStaff("program.manage")] as const,
  request: { body: { required: true, content: { "application/json": { schema: programInputSchema } } } },
  responses: {
    200: { description: "What would change", content: { "application/json": { schema: previewSchema } } },
    ...errorResponses,
  },
});

export function programRoutes(engine: EngineDeps, trustProxy: TrustedProxies) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(readRoute, async (c) => {
      const { tenantId } = staffOf(c, "admin", trustProxy);
      return c.json(await readProgram(engine, tenantId), 200);
    })
    .openapi(saveRoute, async (c) => {
      const { tenantId, ...actor } = staffOf(c, "admin", trustProxy);
      return c.json(await updateProgram(engine, { tenantId, actor, input: c.req.valid("json") }), 200);
    })
    .openapi(previewRoute, async (c) => {
      const { tenantId } = staffOf(c, "admin", trustProxy);
      return c.json(await previewProgram(engine, { tenantId, input: c.req.valid("json") }), 200);
    });
}
