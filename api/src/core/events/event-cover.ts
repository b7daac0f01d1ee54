// The event's cover image: staff upload it (JPEG, PNG or WebP, at most 2 MB). Fetching a published
// (or finished, or cancelled) event's cover is public, named by the tenant's slug and the event's
// id: guests load it in an <img> tag that sends no credentials, the id is a UUIDv7 (74 random
// bits) that only staff and the guests shown the event learn, and a cover says nothing the event
// itself does not. A draft's cover may give away what is not announced yet, so the public address
// answers 404 for it; staff see it through their signed-in preview (staffEventCover).
import { ServiceError } from "@maxl/shared";
import type { EngineDeps, StaffRole } from "../context.ts";
import { restaurantScope } from "../staff/restaurant-scope.ts";
import type { StaffCall } from "./create-event.ts";
import { assertEventInScope, lockEvent, writeEventAudit } from "./event-rows.ts";
import { eventDetail } from "./list-events.ts";

export const coverTypes = ["image/jpeg", "image/png", "image/webp"] as const;
export type CoverType = (typeof coverTypes)[number];
export const MAX_COVER_BYTES = 2 * 1024 * 1024;

// The first bytes of each format, so a file that is not the image it claims is refused.
const signatures: Record<CoverType, (bytes: Uint8Array) => boolean> = {
  "image/jpeg": (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  "image/png": (b) => [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((value, index) => b[index] === value),
  "image/webp": (b) =>
    String.fromCharCode(...b.subarray(0, 4)) === "RIFF" && String.fromCharCode(...b.subarray(8, 12)) === "WEBP",
};

export async function putEventCover(
  deps: EngineDeps,
  call: StaffCall<{ contentType: string; bytes: Uint8Array }> & { eventId: string },
): Promise<{ contentType: CoverType; size: number; updatedAt: string }> {
  const { tenantId, actor, eventId, input } = call;
  const contentType = input.contentType.split(";")[0]?.trim().toLowerCase() as CoverType;
  if (!coverTypes.includes(contentType)) {
    throw new ServiceError("VALIDATION", "A cover must be a JPEG, PNG or WebP image.", {
      key: "event-cover-type",
      fields: [{ path: "content-type", message: `one of ${coverTypes.join(", ")}` }],
    });
  }
  if (input.bytes.length > MAX_COVER_BYTES) {
    throw new ServiceError("PAYLOAD_TOO_LARGE", "A cover may be at most 2 MB.", { key: "event-cover-too-large" });
  }
  if (input.bytes.length === 0 || !signatures[contentType](input.bytes)) {
    throw new ServiceError("VALIDATION", `The file is not a ${contentType} image.`, {
      key: "event-cover-unreadable",
      fields: [{ path: "body", message: `not a ${contentType} image` }],
    });
  }
  const at = deps.clock();
  const scope = await restaurantScope(deps, { tenantId, staffId: actor.staffId, role: actor.role });
  return deps.db.withTenantClient(tenantId, async (client) => {
    const event = await lockEvent(client, eventId);
    assertEventInScope(scope, event.restaurant_id);
    await client.query(
      `INSERT INTO event_covers (tenant_id, event_id, content_type, bytes, updated_at)
       VALUES (app_current_tenant(), $1, $2, $3, $4)
       ON CONFLICT (tenant_id, event_id) DO UPDATE
          SET content_type = EXCLUDED.content_type, bytes = EXCLUDED.bytes, updated_at = EXCLUDED.updated_at`,
      [eventId, contentType, Buffer.from(input.bytes), at],
    );
    await writeEventAudit(client, actor, at, "event.cover_uploaded", eventId, {
      contentType,
      size: input.bytes.length,
    });
    return { contentType, size: input.bytes.length, updatedAt: at.toISOString() };
  });
}

export interface Cover {
  contentType: string;
  bytes: Buffer;
  updatedAt: Date;
}

async function readCover(deps: EngineDeps, tenantId: string, eventId: string, drafts: boolean): Promise<Cover | null> {
  return deps.db.withTenantClient(tenantId, async (client) => {
    const { rows } = await client.query<{ content_type: string; bytes: Buffer; updated_at: Date }>(
      `SELECT c.content_type, c.bytes, c.updated_at
         FROM event_covers c
         JOIN events e ON e.tenant_id = c.tenant_id AND e.id = c.event_id
        WHERE c.tenant_id = app_current_tenant() AND c.event_id = $1 AND ($2 OR e.status <> 'draft')`,
      [eventId, drafts],
    );
    const row = rows[0];
    return row ? { contentType: row.content_type, bytes: row.bytes, updatedAt: row.updated_at } : null;
  });
}

/** The public cover of an event of the tenant with this slug; null for none, and for a draft. */
export async function eventCover(deps: EngineDeps, tenantSlug: string, eventId: string): Promise<Cover | null> {
  const tenantId = await deps.db.tenantIdBySlug(tenantSlug);
  if (!tenantId) return null;
  return readCover(deps, tenantId, eventId, false);
}

/** The cover as a signed-in staff member sees it, a draft's included (their restaurants' events only). */
export async function staffEventCover(
  deps: EngineDeps,
  staff: { tenantId: string; staffId: string; role: StaffRole },
  eventId: string,
): Promise<Cover | null> {
  await eventDetail(deps, staff, eventId);
  return readCover(deps, staff.tenantId, eventId, true);
}
