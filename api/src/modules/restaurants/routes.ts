// The business's restaurants (locations): list them, add one, change one.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { EngineDeps } from "../../core/context.ts";
import { listRestaurants } from "../../core/restaurants/list-restaurants.ts";
import {
  createRestaurant,
  createRestaurantInputSchema,
  updateRestaurant,
  updateRestaurantInputSchema,
} from "../../core/restaurants/manage-restaurants.ts";
import { requireStaff, staffOf } from "../../http/caller.ts";
import type { TrustedProxies } from "../../http/client-ip.ts";
import type { AppEnv } from "../../http/context.ts";
import { errorResponses, problemResponse, staffSecurity } from "../../http/openapi.ts";
import { validationHook } from "../../http/problem.ts";

const restaurantSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    address: z.string().nullable(),
    timeZone: z.string().nullable().openapi({ description: "IANA zone; null: the business's time zone applies" }),
    isActive: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Restaurant");

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/restaurants",
  tags: ["restaurants"],
  summary: "The business's restaurants, open and closed",
  description: "A manager or cashier limited to some restaurants sees only those. Oldest first.",
  security: staffSecurity,
  middleware: [requireStaff("restaurants.read")] as const,
  responses: {
    200: {
      description: "The restaurants the caller works for",
      content: { "application/json": { schema: z.object({ restaurants: z.array(restaurantSchema) }) } },
    },
    ...errorResponses,
  },
});

const createRestaurantRoute = createRoute({
  method: "post",
  path: "/api/v1/restaurants",
  tags: ["restaurants"],
  summary: "Add a restaurant",
  description: "Name, and optionally an address and an IANA time zone (else the business's). Audited.",
  security: staffSecurity,
  middleware: [requireStaff("restaurants.manage")] as const,
  request: { body: { required: true, content: { "application/json": { schema: createRestaurantInputSchema } } } },
  responses: {
    201: { description: "Created", content: { "application/json": { schema: restaurantSchema } } },
    ...errorResponses,
  },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/api/v1/restaurants/{restaurantId}",
  tags: ["restaurants"],
  summary: "Change a restaurant: name, address, time zone, open or closed",
  description: "Send only what changes; null clears the address or the time zone. Audited with what changed.",
  security: staffSecurity,
  middleware: [requireStaff("restaurants.manage")] as const,
  request: {
    params: z.object({ restaurantId: z.uuid().openapi({ param: { name: "restaurantId", in: "path" } }) }),
    body: { required: true, content: { "application/json": { schema: updateRestaurantInputSchema } } },
  },
  responses: {
    200: { description: "The restaurant now", content: { "application/json": { schema: restaurantSchema } } },
    404: problemResponse("No such restaurant"),
    ...errorResponses,
  },
});

export function restaurantRoutes(engine: EngineDeps, trustProxy: TrustedProxies) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(listRoute, async (c) => {
      const { tenantId, staffId, role } = staffOf(c, "admin", trustProxy);
      if (!staffId || !role) throw new Error("a staff route without a staff member");
      return c.json({ restaurants: await listRestaurants(engine, { tenantId, staffId, role }) }, 200);
    })
    .openapi(createRestaurantRoute, async (c) => {
      const { tenantId, ...actor } = staffOf(c, "admin", trustProxy);
      return c.json(await createRestaurant(engine, { tenantId, actor, input: c.req.valid("json") }), 201);
    })
    .openapi(updateRoute, async (c) => {
      const { tenantId, ...actor } = staffOf(c, "admin", trustProxy);
      const { restaurantId } = c.req.valid("param");
      return c.json(await updateRestaurant(engine, { tenantId, actor, restaurantId, input: c.req.valid("json") }), 200);
    });
}
