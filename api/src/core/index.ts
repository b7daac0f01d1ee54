// The domain verbs: the one place that changes state. Every transport (HTTP routes, the bot, the
// workers) calls these and nothing else writes.
export {
  type Actor,
  createEngineDeps,
  defaultEngineSettings,
  type EngineDeps,
  type EngineSettings,
  type StaffRole,
  systemActor,
} from "./context.ts";
export { accruePoints } from "./loyalty/accrue-points.ts";
export { adjustPoints } from "./loyalty/adjust-points.ts";
export { grantBirthdayBonuses } from "./loyalty/birthday-bonuses.ts";
export { type ExpiryRun, expireDueLots } from "./loyalty/expire-lots.ts";
export { type BonusReason, grantBonus } from "./loyalty/grant-bonus.ts";
export type { Outcome } from "./loyalty/idempotency.ts";
export { quoteRedemption } from "./loyalty/quote-redemption.ts";
export { redeemPoints } from "./loyalty/redeem-points.ts";
export { type ReevaluationRun, reevaluateLevels } from "./loyalty/reevaluate-levels.ts";
export { refundCheck } from "./loyalty/refund-check.ts";
export { remindExpiringPoints } from "./loyalty/remind-expiring.ts";
export { setManualLevel } from "./loyalty/set-manual-level.ts";
