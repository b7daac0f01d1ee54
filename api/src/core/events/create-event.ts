// Create: a new event starts as a draft, seen only by staff until it is published.
import { uuidv7 } from "uuidv7";
import type { Actor, EngineDeps, StaffRole } from "../context.ts";
import { restaurantScope } from "../staff/restaurant-scope.ts";
import { readEvent, type StaffEventView, writeEventAudit } from "./event-rows.ts";
import type { CreateEventInput } from "./schemas.ts";
import { validateEvent } from "./validate-event.ts";

export interface StaffCall<Input> {
  tenantId: string;
  actor: Actor & { staffId: string; role: StaffRole };
  input: Input;
}

export async function createEvent(deps: EngineDeps, call: StaffCall<CreateEventInput>): Promise<StaffEventView> {
  const { tenantId, actor, input } = call;
  const at = deps.clock();
  const scope = await restaurantScope(deps, { tenantId, staffId: actor.staffId, role: actor.role });
  const shape = {
    restaurantId: input.restaurantId,
    startsAt: new Date(input.startsAt),
    endsAt: new Date(input.endsAt),
    capacity: input.capacity,
    minLevelId: input.minLevelId,
    registrationDeadline: input.registrationDeadline ? new Date(input.registrationDeadline) : null,
  };
  return deps.db.withTenantClient(tenantId, async (client) => {
    await validateEvent(client, shape, 0, scope);
    const id = uuidv7();
    await client.query(
      `INSERT INTO events (tenant_id, id, restaurant_id, title, description, starts_at, ends_at, capacity, min_level_id,
                           price_points, attendance_bonus_points, registration_deadline, status, created_by_staff_id,
                           created_at, updated_at)
       VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'draft', $12, $13, $13)`,
      [
        id,
        shape.restaurantId,
        input.title,
        input.description,
        shape.startsAt,
        shape.endsAt,
        input.capacity,
        input.minLevelId,
        input.pricePoints,
        input.attendanceBonusPoints,
        shape.registrationDeadline,
        actor.staffId,
        at,
      ],
    );
    const view = await readEvent(client, id);
    await writeEventAudit(client, actor, at, "event.created", id, { ...view });
    return view;
  });
}
