// The staff page: who works for the business, in which role and restaurants, and the changes
// an owner or admin makes. An admin manages managers and cashiers; only an owner creates or
// changes owners and admins, and the last active owner can be neither demoted nor deactivated,
// so a business can always be run by someone. Nobody changes their own role or switches
// themselves off.
import { isUniqueViolation } from "@maxl/db";
import { ServiceError } from "@maxl/shared";
import { recordAction } from "../audit/record-action.ts";
import { endStaffAccess, revokeStaffSessions } from "../auth/staff-sessions.ts";
import { assertWithinPlan } from "../billing/plan-limits.ts";
import type { Actor, EngineDeps, StaffRole } from "../context.ts";
import { type IssuedLink, issueAccessLink } from "./access-links.ts";

const manageableBy: Record<StaffRole, readonly StaffRole[]> = {
  owner: ["owner", "admin", "manager", "cashier"],
  admin: ["manager", "cashier"],
  manager: [],
  cashier: [],
};

/** Roles that can be limited to some restaurants; owners and admins always see the whole business. */
const scopedRoles: readonly StaffRole[] = ["manager", "cashier"];

type Tx = Parameters<Parameters<EngineDeps["db"]["withTenant"]>[1]>[0];

export interface StaffMember {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  isActive: boolean;
  restaurantIds: string[];
  /** false until an invited member sets a password */
  hasPassword: boolean;
  telegramLinked: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
}

export async function listStaff(deps: EngineDeps, tenantId: string): Promise<StaffMember[]> {
  const rows = await deps.db.withTenant(tenantId, (tx) =>
    tx.staffUser.findMany({ where: { tenantId }, include: { restaurants: true }, orderBy: [{ createdAt: "asc" }] }),
  );
  return rows.map(toMember);
}

function toMember(
  row: Awaited<ReturnType<Tx["staffUser"]["findMany"]>>[number] & {
    restaurants: { restaurantId: string }[];
  },
): StaffMember {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    isActive: row.isActive,
    restaurantIds: row.restaurants.map((r) => r.restaurantId),
    hasPassword: row.passwordHash !== null,
    telegramLinked: row.telegramUserId !== null,
    lastLoginAt: row.lastLoginAt,
    createdAt: row.createdAt,
  };
}

/** Refuses an actor whose role may not manage members of `role` (owners: anyone; admins: below them). */
export function assertMayManage(actor: Actor, role: StaffRole): void {
  const actorRole = actor.role;
  if (!actorRole || !manageableBy[actorRole].includes(role)) {
    throw new ServiceError(
      "FORBIDDEN",
      `Your role (${actorRole ?? "none"}) may not manage staff with the ${role} role.`,
      {
        key: "staff-role-forbidden",
      },
    );
  }
}

async function assertRestaurants(tx: Tx, tenantId: string, role: StaffRole, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  if (!scopedRoles.includes(role)) {
    throw new ServiceError(
      "VALIDATION",
      `An ${role} works for every restaurant; restaurants apply to managers and cashiers.`,
      {
        key: "staff-restaurants-not-for-role",
        fields: [{ path: "restaurantIds", message: "only managers and cashiers are limited to restaurants" }],
      },
    );
  }
  const found = await tx.restaurant.count({ where: { tenantId, id: { in: [...ids] } } });
  if (found !== new Set(ids).size) {
    throw new ServiceError("VALIDATION", "One of the restaurants does not exist.", {
      key: "staff-restaurant-unknown",
      fields: [{ path: "restaurantIds", message: "unknown restaurant" }],
    });
  }
}

export async function inviteStaff(
  deps: EngineDeps,
  request: {
    tenantId: string;
    actor: Actor;
    input: { email: string; name: string; role: StaffRole; restaurantIds?: string[] | undefined };
  },
): Promise<{ member: StaffMember; link: IssuedLink }> {
  const { tenantId, actor, input } = request;
  const at = deps.clock();
  const email = input.email.trim().toLowerCase();
  const restaurantIds = [...new Set(input.restaurantIds ?? [])];
  assertMayManage(actor, input.role);
  try {
    return await deps.db.withTenant(tenantId, async (tx) => {
      await assertRestaurants(tx, tenantId, input.role, restaurantIds);
      await assertWithinPlan(tx, tenantId, "staff");
      const row = await tx.staffUser.create({
        data: { tenantId, email, name: input.name.trim(), role: input.role, createdAt: at },
      });
      if (restaurantIds.length > 0) {
        await tx.staffRestaurant.createMany({
          data: restaurantIds.map((restaurantId) => ({ tenantId, staffId: row.id, restaurantId })),
        });
      }
      const link = await issueAccessLink(tx, {
        tenantId,
        staffId: row.id,
        purpose: "invite",
        createdByStaffId: actor.staffId ?? null,
        at,
      });
      await recordAction(
        tx,
        tenantId,
        actor,
        "staff.invited",
        "staff",
        row.id,
        {
          email,
          name: row.name,
          role: input.role,
          restaurantIds,
        },
        { at },
      );
      return {
        member: toMember({ ...row, restaurants: restaurantIds.map((restaurantId) => ({ restaurantId })) }),
        link,
      };
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ServiceError("CONFLICT", "Someone with this e-mail already works for the business.", {
        key: "staff-email-taken",
        fields: [{ path: "email", message: "already on the staff" }],
      });
    }
    throw error;
  }
}

export interface StaffPatch {
  name?: string | undefined;
  role?: StaffRole | undefined;
  restaurantIds?: string[] | undefined;
  isActive?: boolean | undefined;
}

export async function updateStaff(
  deps: EngineDeps,
  request: { tenantId: string; actor: Actor; staffId: string; patch: StaffPatch },
): Promise<StaffMember> {
  const { tenantId, actor, staffId, patch } = request;
  const at = deps.clock();
  return deps.db.withTenant(tenantId, async (tx) => {
    const current = await tx.staffUser.findUnique({
      where: { tenantId_id: { tenantId, id: staffId } },
      include: { restaurants: true },
    });
    if (!current) throw new ServiceError("NOT_FOUND", "There is no such staff member.", { key: "staff-unknown" });
    assertMayManage(actor, current.role);
    const role = patch.role ?? current.role;
    if (patch.role && patch.role !== current.role) assertMayManage(actor, patch.role);
    const self = staffId === actor.staffId;
    if (self && patch.role !== undefined && patch.role !== current.role) {
      throw new ServiceError("FORBIDDEN", "You cannot change your own role; ask another owner.", {
        key: "staff-own-role",
      });
    }
    if (self && patch.isActive === false)
      throw new ServiceError("FORBIDDEN", "You cannot deactivate yourself.", { key: "staff-self-deactivate" });
    const losesOwner = current.role === "owner" && current.isActive && (role !== "owner" || patch.isActive === false);
    if (losesOwner) {
      const owners = await tx.staffUser.count({ where: { tenantId, role: "owner", isActive: true } });
      if (owners <= 1) {
        throw new ServiceError("CONFLICT", "This is the only active owner; make someone else an owner first.", {
          key: "last-owner",
        });
      }
    }
    // A role that sees the whole business drops its restaurant limits.
    const restaurantIds = scopedRoles.includes(role)
      ? [...new Set(patch.restaurantIds ?? current.restaurants.map((r) => r.restaurantId))]
      : [];
    if (patch.restaurantIds !== undefined) await assertRestaurants(tx, tenantId, role, restaurantIds);
    // Switching someone back on takes a slot of the plan like an invitation.
    if (patch.isActive === true && !current.isActive) await assertWithinPlan(tx, tenantId, "staff");
    const sameRestaurants =
      JSON.stringify([...restaurantIds].sort()) ===
      JSON.stringify(current.restaurants.map((r) => r.restaurantId).sort());
    // What the member may do changes: their access tokens end now (core/auth/staff-access.ts).
    const accessChanged =
      role !== current.role ||
      !sameRestaurants ||
      (patch.isActive !== undefined && patch.isActive !== current.isActive);
    const row = await tx.staffUser.update({
      where: { tenantId_id: { tenantId, id: staffId } },
      data: {
        ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
        role,
        ...(patch.isActive !== undefined ? { isActive: patch.isActive } : {}),
        ...(accessChanged ? { accessGeneration: { increment: 1 } } : {}),
      },
    });
    await tx.staffRestaurant.deleteMany({ where: { tenantId, staffId } });
    if (restaurantIds.length > 0) {
      await tx.staffRestaurant.createMany({
        data: restaurantIds.map((restaurantId) => ({ tenantId, staffId, restaurantId })),
      });
    }
    if (patch.isActive === false && current.isActive) {
      await revokeStaffSessions(tx, tenantId, staffId, "deactivated", at);
    }
    const before = {
      name: current.name,
      role: current.role,
      isActive: current.isActive,
      restaurantIds: current.restaurants.map((r) => r.restaurantId).sort(),
    };
    const after = { name: row.name, role: row.role, isActive: row.isActive, restaurantIds: [...restaurantIds].sort() };
    const changed = Object.fromEntries(
      Object.entries(after)
        .filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(before[key as keyof typeof before]))
        .map(([key, value]) => [key, { from: before[key as keyof typeof before], to: value }]),
    );
    const action = patch.isActive === false && current.isActive ? "staff.deactivated" : "staff.updated";
    if (Object.keys(changed).length > 0)
      await recordAction(tx, tenantId, actor, action, "staff", staffId, changed, { at });
    return toMember({ ...row, restaurants: restaurantIds.map((restaurantId) => ({ restaurantId })) });
  });
}

/**
 * A link for the member to set a password: a new invitation while they have none, else a reset.
 * A reset is issued when an account may be in the wrong hands, so it ends every session and
 * access token of the member at once, in the same transaction; their current password keeps
 * working until the link is used, so an owner who loses the link does not lock them out.
 */
export async function issueStaffPasswordLink(
  deps: EngineDeps,
  request: { tenantId: string; actor: Actor; staffId: string },
): Promise<IssuedLink> {
  const { tenantId, actor, staffId } = request;
  const at = deps.clock();
  return deps.db.withTenant(tenantId, async (tx) => {
    const staff = await tx.staffUser.findUnique({ where: { tenantId_id: { tenantId, id: staffId } } });
    if (!staff) throw new ServiceError("NOT_FOUND", "There is no such staff member.", { key: "staff-unknown" });
    assertMayManage(actor, staff.role);
    if (!staff.isActive)
      throw new ServiceError("CONFLICT", "This staff member is deactivated; activate them first.", {
        key: "staff-inactive",
      });
    const purpose = staff.passwordHash === null ? "invite" : "reset";
    const link = await issueAccessLink(tx, {
      tenantId,
      staffId,
      purpose,
      createdByStaffId: actor.staffId ?? null,
      at,
    });
    if (purpose === "invite") {
      await recordAction(
        tx,
        tenantId,
        actor,
        "staff.invite_link_issued",
        "staff",
        staffId,
        {
          expiresAt: link.expiresAt.toISOString(),
        },
        { at },
      );
      return link;
    }
    const sessionsEnded = await endStaffAccess(tx, tenantId, staffId, "password_reset", at);
    await recordAction(
      tx,
      tenantId,
      actor,
      "staff.reset_link_issued",
      "staff",
      staffId,
      { expiresAt: link.expiresAt.toISOString(), sessionsEnded, signedOutEverywhere: true },
      { at },
    );
    return link;
  });
}
