// The iiko Cloud adapter: settings, iiko's documents, and their mapping onto POS checks.
export { iikoSumToMinor } from "./amounts.ts";
export { iikoLocalTimeToIso } from "./local-time.ts";
export { iikoOrderEvents } from "./map-order.ts";
export {
  type IikoDeliveriesByRevision,
  type IikoOrder,
  type IikoOrderInfo,
  type IikoWebhookEvent,
  iikoAccessTokenSchema,
  iikoDeliveriesByRevisionSchema,
  iikoErrorBodySchema,
  iikoOrderInfoSchema,
  iikoWebhookEventSchema,
} from "./payloads.ts";
export { type IikoSettings, type IikoSettingsInput, iikoGuidSchema, iikoSettingsSchema } from "./settings.ts";
export { IikoPayloadError, iikoAuthTokenFrom, parseIikoWebhook } from "./webhook.ts";
