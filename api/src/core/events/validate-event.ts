// The rules an event's fields must keep together, checked before any write so staff get every
// problem at once as field errors (the table's CHECKs are the backstop).
import { type FieldError, ServiceError } from "@maxl/shared";
import type pg from "pg";

export interface EventShape {
  restaurantId: string | null;
  startsAt: Date;
  endsAt: Date;
  capacity: number;
  minLevelId: string | null;
  registrationDeadline: Date | null;
}

export async function validateEvent(
  client: pg.PoolClient,
  shape: EventShape,
  registered: number,
  scope: string[] | null,
  /** set when the start must lie after this instant: a published event whose start moves */
  startAfter: Date | null = null,
): Promise<void> {
  const fields: FieldError[] = [];
  if (startAfter && shape.startsAt <= startAfter) {
    fields.push({ path: "startsAt", message: "must be in the future for a published event" });
  }
  if (shape.endsAt <= shape.startsAt) fields.push({ path: "endsAt", message: "must be after startsAt" });
  if (shape.registrationDeadline && shape.registrationDeadline > shape.startsAt) {
    fields.push({ path: "registrationDeadline", message: "must not be after startsAt" });
  }
  if (shape.capacity < registered) {
    fields.push({ path: "capacity", message: `${registered} guests are registered already; at least ${registered}` });
  }
  if (shape.minLevelId) {
    const { rowCount } = await client.query("SELECT 1 FROM levels WHERE tenant_id = app_current_tenant() AND id = $1", [
      shape.minLevelId,
    ]);
    if (!rowCount) fields.push({ path: "minLevelId", message: "no such level in this program" });
  }
  if (shape.restaurantId) {
    const { rowCount } = await client.query(
      "SELECT 1 FROM restaurants WHERE tenant_id = app_current_tenant() AND id = $1",
      [shape.restaurantId],
    );
    if (!rowCount) fields.push({ path: "restaurantId", message: "no such restaurant" });
    else if (scope !== null && !scope.includes(shape.restaurantId)) {
      fields.push({ path: "restaurantId", message: "you do not work for this restaurant" });
    }
  } else if (scope !== null) {
    fields.push({ path: "restaurantId", message: "choose one of your restaurants" });
  }
  if (fields.length > 0) {
    throw new ServiceError("VALIDATION", fields.map((field) => `${field.path} ${field.message}`).join("; "), {
      key: "fields-invalid",
      fields,
    });
  }
}
