// Billing's verbs and pieces, for the routes, the workers and the tests.
export {
  type AdvanceOutcome,
  advanceSubscription,
  BILLING_RESTRICTED,
  BILLING_TRIAL_ENDING,
  NO_RECEIPT_CONTACT,
  renewalKey,
  TRIAL_NOTICE_DAYS,
} from "./advance-subscription.ts";
export { type BillingDeps, createBillingDeps, requireYooKassa } from "./billing-deps.ts";
export { BILLING_EMAIL_MAX, type BillingEmailView, billingEmail, changeBillingEmail } from "./billing-email.ts";
export { cancelAtPeriodEnd, resumeSubscription } from "./cancel-subscription.ts";
export { currentSubscription, type SubscriptionView } from "./current-subscription.ts";
export {
  checkoutLabel,
  keyFromLabel,
  refundLabel,
  renewalLabel,
  YOOKASSA_MAX_KEY_LENGTH,
} from "./idempotence-keys.ts";
export {
  createSourceAllowList,
  handledBillingEvents,
  type SourceAllowList,
  type StoredNotification,
  storeBillingNotification,
  type YooKassaNotification,
  yookassaNotificationSchema,
} from "./notifications.ts";
export { listPayments, type PaymentView, paymentById, refreshPayment } from "./payments.ts";
export { listPlans, type PlanView } from "./plans.ts";
export { type NotificationOutcome, settleBillingNotification } from "./process-notification.ts";
export { RECEIPT_DESCRIPTION_MAX, type Receipt } from "./receipts.ts";
export { refundPayment, settleRefund } from "./refund-payment.ts";
export {
  type BillingSettings,
  billingEnv,
  billingSettingsFromEnv,
  defaultBillingSettings,
  YOOKASSA_NOTIFICATION_IPS,
  type YooKassaCredentials,
} from "./settings.ts";
export { BILLING_PAYMENT_SUCCEEDED, BILLING_RENEWAL_FAILED, settlePayment } from "./settle-payment.ts";
export { type CheckoutResult, checkoutPaymentId, startCheckout } from "./start-checkout.ts";
export { TRIAL_PLAN_ID } from "./subscription-state.ts";
export {
  type CreatePaymentRequest,
  type CreateRefundRequest,
  createYooKassaClient,
  minorFromYookassa,
  type YooKassaClient,
  YooKassaError,
  type YooKassaPayment,
  type YooKassaRefund,
  yookassaAmount,
  yookassaPaymentSchema,
  yookassaRefundSchema,
} from "./yookassa-client.ts";
