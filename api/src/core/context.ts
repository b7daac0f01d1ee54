// What the domain verbs need from the outside world, passed in rather than imported, so every
// transport (HTTP, bot, workers) and every test builds the same verbs over its own resources.
import type { Db } from "@maxl/db";
import type { Redis } from "ioredis";
import { createRulesCache, type RulesCache } from "./loyalty/program-rules.ts";

export interface EngineSettings {
  /** how long a quote reserves points at the till */
  holdTtlSeconds: number;
  /** how long a guest's QR token is valid */
  qrTtlSeconds: number;
  /** how long a guest's 6-digit code is valid */
  codeTtlSeconds: number;
  /** how long after a sale a cashier may still refund it themselves */
  cashierRefundWindowMinutes: number;
  /** prefix of every Redis key the engine writes */
  redisPrefix: string;
}

export const defaultEngineSettings: EngineSettings = {
  holdTtlSeconds: 300,
  qrTtlSeconds: 60,
  codeTtlSeconds: 300,
  cashierRefundWindowMinutes: 30,
  redisPrefix: "maxl",
};

export interface EngineDeps {
  db: Db;
  redis: Redis;
  /** the current instant; tests move it */
  clock: () => Date;
  settings: EngineSettings;
  /** tenants' programs and levels, by version */
  rules: RulesCache;
}

/** The verbs' dependencies, with defaults for what a caller does not set. */
export function createEngineDeps(parts: {
  db: Db;
  redis: Redis;
  clock?: () => Date;
  settings?: Partial<EngineSettings>;
}): EngineDeps {
  return {
    db: parts.db,
    redis: parts.redis,
    clock: parts.clock ?? (() => new Date()),
    settings: { ...defaultEngineSettings, ...parts.settings },
    rules: createRulesCache(),
  };
}

export type StaffRole = "owner" | "admin" | "manager" | "cashier";

/** Who is asking for a change, and through what. */
export interface Actor {
  source: "cashier" | "pos" | "system" | "admin";
  staffId?: string | null;
  role?: StaffRole | null;
  ip?: string | null;
  userAgent?: string | null;
  /** where a staff member acted from: the bot's cashier mode, the Mini App's till, the admin view */
  channel?: "bot" | "miniapp" | "web" | null;
}

export const systemActor: Actor = { source: "system" };
