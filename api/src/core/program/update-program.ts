// Saving the program settings page: the whole document at once, guarded by the version the
// editor read (two admins editing at once: the second save is refused, not merged). The
// database trigger bumps loyalty_programs.version on every change to the program or a level,
// so the points verbs' rules cache (loyalty/program-rules.ts) reloads on their next operation.
//
// Guests' levels after a threshold change: the points verbs only move a guest up on a purchase,
// and the scheduled re-evaluation (workers: maintain-tenant) runs once per tenant per local day,
// so left alone the new thresholds would apply up to a day later. The save therefore writes a
// `program.levels_changed` event in the same transaction; the workers' level-reevaluation
// consumer runs reevaluateLevels for the tenant as soon as it is relayed. That re-evaluation
// applies the usual rules: guests who now reach a higher level move up at once, guests below
// their level keep it for the program's downgrade grace period.
import { isUniqueViolation, type TenantTx } from "@maxl/db";
import { ServiceError } from "@maxl/shared";
import type { Actor, EngineDeps } from "../context.ts";
import { movesLevels, type ProgramChange, programDiff } from "./program-diff.ts";
import {
  guestsByLevel,
  loadStoredProgram,
  type ProgramDocument,
  programDocument,
  type StoredLevel,
} from "./program-document.ts";
import type { ProgramInput, ProgramUpdate } from "./program-schemas.ts";

export const LEVELS_CHANGED_EVENT = "program.levels_changed";

// Ranks are unique per tenant and the constraint is not deferrable: levels that change places
// park above every real rank first (at most 20 levels), then take their new ranks.
const PARKED_RANK = 1_000;

export async function updateProgram(
  deps: EngineDeps,
  request: { tenantId: string; actor: Actor; input: ProgramUpdate },
): Promise<{ program: ProgramDocument; changes: ProgramChange[] }> {
  const { tenantId, actor, input } = request;
  const at = deps.clock();
  try {
    return await deps.db.withTenant(tenantId, async (tx) => {
      // The lock serialises saves: the version read under it is the one this save replaces.
      const locked = await tx.$queryRaw<{ version: number }[]>`
        SELECT version FROM loyalty_programs WHERE tenant_id = app_current_tenant() FOR UPDATE`;
      const currentVersion = locked[0]?.version ?? 0;
      if (input.version !== currentVersion) {
        throw new ServiceError(
          "CONFLICT",
          "The program was changed by someone else since you opened it; reload it and make your changes again.",
          { key: "program-changed", details: { currentVersion } },
        );
      }
      const before = await loadStoredProgram(tx, tenantId);
      assertKnownLevels(before.levels, input);
      const changes = programDiff(before, input);
      if (changes.length === 0) return { program: programDocument(before, await guestsByLevel(tx)), changes };

      await writeLevels(tx, tenantId, before.levels, input);
      const { version: _version, levels: _levels, ...settings } = input;
      if (locked.length === 0) await tx.loyaltyProgram.create({ data: { tenantId, ...settings } });
      else await tx.loyaltyProgram.update({ where: { tenantId }, data: settings });

      const after = await loadStoredProgram(tx, tenantId);
      await tx.auditLogEntry.create({
        data: {
          tenantId,
          actorKind: "staff",
          actorStaffId: actor.staffId ?? null,
          action: "program.update",
          entityType: "loyalty_program",
          entityId: tenantId,
          ip: actor.ip ?? null,
          userAgent: actor.userAgent ?? null,
          changes: { fromVersion: currentVersion, toVersion: after.version, diff: changes } as object,
        },
      });
      if (movesLevels(changes)) {
        await tx.outboxEvent.create({
          data: { tenantId, type: LEVELS_CHANGED_EVENT, payload: { version: after.version }, createdAt: at },
        });
      }
      return { program: programDocument(after, await guestsByLevel(tx)), changes };
    });
  } catch (error) {
    // Two first saves of a program that had no row yet: the loser is told to reload.
    if (isUniqueViolation(error, "loyalty_programs_pkey")) {
      throw new ServiceError("CONFLICT", "The program was changed by someone else; reload it and try again.", {
        key: "program-changed",
      });
    }
    throw error;
  }
}

/** Every level id the edit names must be one of the program's levels. */
export function assertKnownLevels(existing: readonly { id: string }[], input: Pick<ProgramInput, "levels">): void {
  const known = new Set(existing.map((level) => level.id));
  const fields = input.levels.flatMap((level, index) =>
    level.id !== undefined && !known.has(level.id)
      ? [{ path: `levels.${index}.id`, message: "is not a level of this program; leave it out for a new level" }]
      : [],
  );
  if (fields.length > 0)
    throw new ServiceError("VALIDATION", "A level named in the program does not exist.", {
      key: "program-level-unknown",
      fields,
    });
}

async function writeLevels(
  tx: TenantTx,
  tenantId: string,
  existing: readonly StoredLevel[],
  input: ProgramUpdate,
): Promise<void> {
  const kept = new Set(input.levels.flatMap((level) => (level.id ? [level.id] : [])));
  const removed = existing.filter((level) => !kept.has(level.id));
  if (removed.length > 0) {
    const held = await guestsByLevel(tx);
    const busy = removed.filter((level) => (held.get(level.id) ?? 0) > 0);
    const first = busy[0];
    if (first) {
      const guests = held.get(first.id) ?? 0;
      throw new ServiceError(
        "CONFLICT",
        `The level "${first.name}" cannot be removed: ${guests} ${guests === 1 ? "guest is" : "guests are"} on it. Keep the level, or lower its threshold instead.`,
        {
          key: "program-level-busy",
          vars: { level: first.name, guests },
          details: {
            levels: busy.map((level) => ({ id: level.id, name: level.name, guests: held.get(level.id) ?? 0 })),
          },
        },
      );
    }
    await tx.level.deleteMany({ where: { tenantId, id: { in: removed.map((level) => level.id) } } });
  }
  const moving = input.levels.flatMap((level, rank) => {
    const old = existing.find((one) => one.id === level.id);
    return old && old.rank !== rank ? [old.id] : [];
  });
  if (moving.length > 0) {
    await tx.$executeRaw`
      UPDATE levels SET rank = rank + ${PARKED_RANK}
       WHERE tenant_id = app_current_tenant() AND id = ANY(${moving}::uuid[])`;
  }
  for (const [rank, level] of input.levels.entries()) {
    const data = { name: level.name, rank, thresholdMinor: level.thresholdMinor, earnRateBps: level.earnRateBps };
    const old = existing.find((one) => one.id === level.id);
    if (!old) await tx.level.create({ data: { tenantId, ...data } });
    else if (!sameLevel(old, data, moving.includes(old.id))) {
      await tx.level.update({ where: { tenantId_id: { tenantId, id: old.id } }, data });
    }
  }
}

function sameLevel(old: StoredLevel, next: Omit<StoredLevel, "id">, parked: boolean): boolean {
  return (
    !parked &&
    old.name === next.name &&
    old.rank === next.rank &&
    old.thresholdMinor === next.thresholdMinor &&
    old.earnRateBps === next.earnRateBps
  );
}
