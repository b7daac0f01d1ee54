// The till calls a staff member makes from the Mini App, with the till-only token from
// POST /api/v1/auth/telegram. Every write carries an Idempotency-Key chosen by the caller
// before the first attempt, so a retry or a double tap moves points once.
import { type Client, expectOk } from "./client.ts";

/** A check at the till; restaurantId where the staff member works at several restaurants. */
export interface CheckInput {
  guestId: string;
  amountMinor: string;
  currency: string;
  restaurantId?: string;
}

export function tillApi(client: Client) {
  const till = client.api.v1.till;
  const posChecks = client.api.v1["pos-checks"];
  return {
    /** POS sales no guest was found for, that staff may still attach (newest first) */
    unidentified: (restaurantId?: string) =>
      expectOk(posChecks.unidentified.$get({ query: restaurantId ? { restaurantId } : {} })),
    /** the open restaurants this staff member may book at, and whether the till must ask which */
    restaurants: () => expectOk(till.restaurants.$get()),
    attach: (eventId: string, guestId: string) =>
      expectOk(posChecks[":eventId"].attach.$post({ param: { eventId }, json: { guestId } })),
    identify: (query: { qrToken: string } | { code: string } | { phone: string }) =>
      expectOk(till.identify.$post({ json: query })),
    quote: (key: string, input: CheckInput) =>
      expectOk(till.quotes.$post({ header: { "idempotency-key": key }, json: input })),
    accrue: (key: string, input: CheckInput) =>
      expectOk(till.accruals.$post({ header: { "idempotency-key": key }, json: input })),
    redeem: (key: string, input: CheckInput & { points: number; holdId?: string }) =>
      expectOk(till.redemptions.$post({ header: { "idempotency-key": key }, json: input })),
    refund: (key: string, input: { checkId: string; reason?: string }) =>
      expectOk(till.refunds.$post({ header: { "idempotency-key": key }, json: input })),
  };
}

export type TillApi = ReturnType<typeof tillApi>;
export type GuestSummary = Awaited<ReturnType<TillApi["identify"]>>;
export type Quote = Awaited<ReturnType<TillApi["quote"]>>;
export type Operation = Awaited<ReturnType<TillApi["accrue"]>>;
export type PosCheck = Awaited<ReturnType<TillApi["unidentified"]>>["checks"][number];
export type TillRestaurant = Awaited<ReturnType<TillApi["restaurants"]>>["restaurants"][number];
export type AttachOutcome = Awaited<ReturnType<TillApi["attach"]>>;
