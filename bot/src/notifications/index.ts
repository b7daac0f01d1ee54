export {
  createNotifier,
  type NotifiableEvent,
  type Notifier,
  type NotifierOptions,
  type NotifyOutcome,
  sentMarkKey,
} from "./notifier.ts";
export {
  type LevelFacts,
  type Notification,
  type NotificationEvent,
  notificationEventSchema,
  notificationTypes,
  type RenderContext,
  renderNotification,
} from "./render.ts";
