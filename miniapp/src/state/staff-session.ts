// The till's credentials: a 15-minute till-only token got from the Telegram launch data. A shift
// is longer than that, so a refused token is renewed once from the launch data and the call made
// again (with the same Idempotency-Key, so it cannot count twice).
import { ApiError, createClient } from "../api/client.ts";
import type { GuestApi } from "../api/guest-api.ts";
import { type TillApi, tillApi } from "../api/till-api.ts";
import type { TillDeps } from "./till-store.ts";

export function staffTillDeps(guest: GuestApi, options: { baseUrl: string; fetch?: typeof fetch }): TillDeps {
  let token = "";
  const raw = tillApi(
    createClient({
      baseUrl: options.baseUrl,
      authorization: () => `Bearer ${token}`,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }),
  );
  const openSession = async () => {
    const session = await guest.staffSession();
    token = session.accessToken;
    return session;
  };
  const renewing =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args);
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 401) throw error;
        await openSession();
        return call(...args);
      }
    };
  const api: TillApi = {
    identify: renewing(raw.identify),
    quote: renewing(raw.quote),
    accrue: renewing(raw.accrue),
    redeem: renewing(raw.redeem),
    refund: renewing(raw.refund),
    unidentified: renewing(raw.unidentified),
    restaurants: renewing(raw.restaurants),
    attach: renewing(raw.attach),
  };
  return { api, openSession };
}
