// Stand-ins for outside vendors, speaking their real formats, for this package's tests and for
// end-to-end tests elsewhere in the workspace.
export { type FakeIiko, type FakeIikoOptions, type FakeIikoRequest, startFakeIiko } from "./fake-iiko.ts";
export {
  type FakeYooKassa,
  type FakeYooKassaPayment,
  type FakeYooKassaRefund,
  type FakeYooKassaRequest,
  startFakeYooKassa,
} from "./fake-yookassa.ts";
export {
  IIKO_TEST_CLOSED_AT,
  IIKO_TEST_ORGANIZATION_ID,
  IIKO_TEST_TERMINAL_GROUP_ID,
  type IikoLineSpec,
  type IikoOrderInfoJson,
  type IikoOrderSpec,
  type IikoWebhookEventSpec,
  iikoDeliveryOrder,
  iikoTableOrder,
  iikoWebhookBody,
} from "./iiko-builders.ts";
