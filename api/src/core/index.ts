// The domain verbs: the one place that changes state. Every transport (HTTP routes, the bot, the
// workers) calls these and nothing else writes.

// The permission names, for the admin view to show only what a role may do (types only).
export type { Permission } from "./auth/permissions.ts";
// Billing (issue #8): subscriptions through YooKassa.
export * from "./billing/index.ts";
export {
  type BotIdentity,
  botChangesChannel,
  botConnectionStatus,
  connectBot,
  disconnectBot,
} from "./bots/bot-connection.ts";
// Broadcasts: the workers' sender and sweep, and the tests.
export { type Allowance, broadcastAllowance } from "./broadcasts/allowance.ts";
export { cancelBroadcast } from "./broadcasts/cancel-broadcast.ts";
export { createBroadcast } from "./broadcasts/create-broadcast.ts";
export { broadcastDetail, listBroadcasts } from "./broadcasts/list-broadcasts.ts";
export { sendMessageParams, type TelegramMessage, telegramMessageOf } from "./broadcasts/message.ts";
export {
  type BroadcastRun,
  type BroadcastSender,
  type BroadcastTarget,
  type DeliveryResult,
  runBroadcast,
} from "./broadcasts/run-broadcast.ts";
export { BROADCAST_STARTED, sendBroadcast } from "./broadcasts/send-broadcast.ts";
export {
  type Actor,
  createEngineDeps,
  defaultEngineSettings,
  type EngineDeps,
  type EngineSettings,
  type StaffRole,
  systemActor,
} from "./context.ts";
export {
  type DashboardReport,
  type DashboardRequest,
  dashboardReport,
} from "./dashboard/dashboard-report.ts";
export { type DashboardRollupRun, rollUpDashboard } from "./dashboard/roll-up.ts";
// Events (issue #9): what the bot calls for the guest's Events menu and the cashier's check-in.
export { cancelEvent } from "./events/cancel-event.ts";
export { cancelRegistration } from "./events/cancel-registration.ts";
export { type CheckInResult, checkInGuest } from "./events/check-in.ts";
export { createEvent } from "./events/create-event.ts";
export { type GuestEventView, guestEvents, guestEventView } from "./events/guest-events.ts";
export { listEvents } from "./events/list-events.ts";
export { publishEvent } from "./events/publish-event.ts";
export { type RegistrationOutcome, registerForEvent } from "./events/register-guest.ts";
export { type ReminderKind, reminderDueSql } from "./events/reminders-due.ts";
export { type ScheduleRun as EventScheduleRun, sendEventReminders } from "./events/send-reminders.ts";
export { updateEvent } from "./events/update-event.ts";
export { type GuestImportView, guestImportView } from "./guest-imports/import-views.ts";
export {
  GUEST_IMPORT_QUEUED,
  type GuestImportJob,
  guestImportJobSchema,
  guestImportQueuedSchema,
  queueGuestImport,
} from "./guest-imports/queue-import.ts";
export { IMPORT_CHUNK_ROWS, type ImportRunOptions, importKey, runGuestImport } from "./guest-imports/run-import.ts";
export { type GuestSummary, guestSummary } from "./guests/guest-summary.ts";
export {
  type GuestCard,
  guestCard,
  guestHistory,
  guestLevels,
  type HistoryPage,
  type LevelsTable,
} from "./guests/guest-views.ts";
export { type IdentifyInput, identifyGuest } from "./guests/identify-guest.ts";
export {
  type GuestProfileView,
  guestProfileView,
  type ProfilePatch,
  updateGuestProfile,
} from "./guests/profile.ts";
export {
  type Attribution,
  completeRegistration,
  type GuestProfile,
  guestProfile,
  markGuestBotBlocked,
  nextOnboardingStep,
  type OnboardingStep,
  openGuestForTelegram,
  recordConsent,
  setGuestBirthday,
  setGuestLocale,
  setGuestName,
  setGuestNotifications,
  setGuestPhone,
} from "./guests/registration.ts";
export { localeFor, type TelegramUser } from "./guests/telegram-guest.ts";
export { consumeQrToken, currentGuestTokens, type GuestTokens } from "./identification/tokens.ts";
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
export type { AdaptedEvent } from "./pos/adapted-event.ts";
export {
  attachPosCheck,
  type IntegrationStatus,
  type PosEventView,
  type UnidentifiedCheck,
  unidentifiedChecks,
} from "./pos/event-admin.ts";
export * from "./pos/iiko/index.ts";
export { POS_INBOX_CHANNEL, type StoredEvents, storePosEvents } from "./pos/inbox.ts";
export {
  createPosIntegrations,
  openIntegration,
  type PosIntegration,
  type PosIntegrations,
  type PosKind,
  restaurantFor,
} from "./pos/integrations.ts";
export {
  apiLoginContext,
  type CreateIntegrationInput,
  createIntegration,
  createIntegrationInputSchema,
  rotateIntegrationSecret,
} from "./pos/manage-integrations.ts";
export {
  PosRetryableError,
  type ProcessOutcome,
  posActor,
  processPosEvent,
  processPosEvents,
  wakeRefunds,
} from "./pos/process-event.ts";
export { signPosBody } from "./pos/webhook-signature.ts";
export { readProgram } from "./program/program-document.ts";
export { EXPIRY_REMINDER_MAX_DAYS } from "./program/program-schemas.ts";
export { LEVELS_CHANGED_EVENT, updateProgram } from "./program/update-program.ts";
export {
  createStaffTelegramInvite,
  type LinkedStaff,
  redeemStaffTelegramInvite,
  type StaffInvite,
  staffByTelegramUser,
  staffInviteLink,
} from "./staff/telegram-invites.ts";
export { type TillRestaurants, tillRestaurants } from "./staff/till-restaurants.ts";
