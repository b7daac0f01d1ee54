// Adding a restaurant and changing one: name, address, time zone (null: the business's), open or
// closed. A closed restaurant keeps its history; restaurants are never deleted, because checks,
// guests and POS integrations point at them.
import { isValidTimeZone, ServiceError } from "@maxl/shared";
import { uuidv7 } from "uuidv7";
import { z } from "zod";
import { recordAction } from "../audit/record-action.ts";
import { assertWithinPlan } from "../billing/plan-limits.ts";
import type { Actor, EngineDeps } from "../context.ts";
import { type RestaurantView, restaurantView } from "./list-restaurants.ts";

const nameSchema = z.string().trim().min(1).max(100);
const addressSchema = z.string().trim().min(1).max(300).nullable();
const timeZoneSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine(isValidTimeZone, { message: "must be an IANA time zone such as Europe/Moscow" })
  .nullable();

export const createRestaurantInputSchema = z
  .object({ name: nameSchema, address: addressSchema.optional(), timeZone: timeZoneSchema.optional() })
  .strict();

export const updateRestaurantInputSchema = z
  .object({
    name: nameSchema.optional(),
    address: addressSchema.optional(),
    timeZone: timeZoneSchema.optional(),
    /** false closes the restaurant: it stays in reports but is no longer offered */
    isActive: z.boolean().optional(),
  })
  .strict()
  .refine((input) => Object.keys(input).length > 0, { message: "say what to change" });

export async function createRestaurant(
  deps: EngineDeps,
  request: { tenantId: string; actor: Actor; input: z.output<typeof createRestaurantInputSchema> },
): Promise<RestaurantView> {
  const { tenantId, actor, input } = request;
  return deps.db.withTenant(tenantId, async (tx) => {
    await assertWithinPlan(tx, tenantId, "restaurants");
    const row = await tx.restaurant.create({
      data: {
        tenantId,
        id: uuidv7(),
        name: input.name,
        address: input.address ?? null,
        timeZone: input.timeZone ?? null,
      },
    });
    await recordAction(tx, tenantId, actor, "restaurant.create", "restaurant", row.id, {
      name: row.name,
      address: row.address,
      timeZone: row.timeZone,
    });
    return restaurantView(row);
  });
}

export async function updateRestaurant(
  deps: EngineDeps,
  request: {
    tenantId: string;
    actor: Actor;
    restaurantId: string;
    input: z.output<typeof updateRestaurantInputSchema>;
  },
): Promise<RestaurantView> {
  const { tenantId, actor, restaurantId, input } = request;
  return deps.db.withTenant(tenantId, async (tx) => {
    const where = { tenantId_id: { tenantId, id: restaurantId } };
    const existing = await tx.restaurant.findUnique({ where });
    if (!existing)
      throw new ServiceError("NOT_FOUND", "There is no such restaurant.", { key: "error-restaurant-unknown" });
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const key of ["name", "address", "timeZone", "isActive"] as const) {
      const to = input[key];
      if (to !== undefined && to !== existing[key]) changes[key] = { from: existing[key], to };
    }
    if (Object.keys(changes).length === 0) return restaurantView(existing);
    // Reopening a closed restaurant takes a slot of the plan like a new one.
    if (input.isActive === true && !existing.isActive) {
      await assertWithinPlan(tx, tenantId, "restaurants");
    }
    const row = await tx.restaurant.update({ where, data: input });
    await recordAction(tx, tenantId, actor, "restaurant.update", "restaurant", restaurantId, changes);
    return restaurantView(row);
  });
}
