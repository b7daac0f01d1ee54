// The restaurant a cashier picked at the Mini App's till, remembered on this device for a shift
// (12 hours) so the till does not ask before every guest, as the bot does. Storage may be
// unavailable (private mode, a WebView that forbids it): then the till simply asks again.
export interface RestaurantMemory {
  recall(staffId: string): string | null;
  remember(staffId: string, restaurantId: string): void;
}

const SHIFT_MS = 12 * 3_600_000;
const keyOf = (staffId: string) => `maxl.till.restaurant.${staffId}`;

export function localRestaurantMemory(storage: Storage | null, now: () => number = Date.now): RestaurantMemory {
  return {
    recall(staffId) {
      try {
        const saved = JSON.parse(storage?.getItem(keyOf(staffId)) ?? "null") as { id?: unknown; at?: unknown } | null;
        if (!saved || typeof saved.id !== "string" || typeof saved.at !== "number") return null;
        return now() - saved.at < SHIFT_MS ? saved.id : null;
      } catch {
        return null;
      }
    },
    remember(staffId, restaurantId) {
      try {
        storage?.setItem(keyOf(staffId), JSON.stringify({ id: restaurantId, at: now() }));
      } catch {
        // Not remembered: the till asks again next time, nothing worse.
      }
    },
  };
}

function browserStorage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}

export const deviceRestaurantMemory = (): RestaurantMemory => localRestaurantMemory(browserStorage());
