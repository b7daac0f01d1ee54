// Builds the answer every points verb gives (shared/loyalty-contracts: OperationResult).
import type { OperationResult } from "@maxl/shared";
import type { GuestState } from "./guest-state.ts";
import type { LevelOutcome } from "./level-decisions.ts";

export type Counts = Pick<
  OperationResult,
  "earned" | "redeemed" | "returned" | "reversed" | "unrecovered" | "expired" | "adjusted" | "bonus"
>;

export interface ResultInput {
  operationId: string;
  kind: OperationResult["kind"];
  state: GuestState;
  checkId: string | null;
  counts: Partial<Counts>;
  pointsDelta: number;
  amountMinor?: bigint;
  paidMinor?: bigint;
  expiresAt?: Date | null;
  level: LevelOutcome;
  at: Date;
}

export function operationResult(input: ResultInput): OperationResult {
  const level = input.state.levels.find((rule) => rule.id === input.level.levelId) ?? null;
  return {
    operationId: input.operationId,
    kind: input.kind,
    guestId: input.state.guestId,
    checkId: input.checkId,
    pointsDelta: input.pointsDelta,
    earned: input.counts.earned ?? 0,
    redeemed: input.counts.redeemed ?? 0,
    returned: input.counts.returned ?? 0,
    reversed: input.counts.reversed ?? 0,
    unrecovered: input.counts.unrecovered ?? 0,
    expired: input.counts.expired ?? 0,
    adjusted: input.counts.adjusted ?? 0,
    bonus: input.counts.bonus ?? 0,
    balance: input.state.balance + input.pointsDelta,
    amountMinor: input.amountMinor?.toString() ?? null,
    paidMinor: input.paidMinor?.toString() ?? null,
    expiresAt: input.expiresAt?.toISOString() ?? null,
    level: level ? { id: level.id, name: level.name, rank: level.rank } : null,
    levelChange: input.level.change,
    at: input.at.toISOString(),
  };
}

/** The payload of a points event: enough for a notification without another read. */
export function pointsEvent(result: OperationResult, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    guestId: result.guestId,
    operationId: result.operationId,
    checkId: result.checkId,
    kind: result.kind,
    earned: result.earned,
    redeemed: result.redeemed,
    pointsDelta: result.pointsDelta,
    balance: result.balance,
    expiresAt: result.expiresAt,
    amountMinor: result.amountMinor,
    at: result.at,
    ...extra,
  };
}

export function levelEvents(result: OperationResult): { type: string; payload: Record<string, unknown> }[] {
  if (!result.levelChange) return [];
  return [
    {
      type: "level.changed",
      payload: { guestId: result.guestId, operationId: result.operationId, ...result.levelChange, at: result.at },
    },
  ];
}
