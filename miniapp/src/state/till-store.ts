// The cashier's flow in the Mini App, the same as the bot's /till: identify the guest, enter the
// check, see the quote, accrue or pay with points, confirm, and undo if it was a mistake. Each
// write's Idempotency-Key is drawn when its step is entered, before the first attempt, so a
// double tap or a retry after a lost answer moves points once.
//
// Once a guest is identified the till also lists the POS's recent checks that came without a
// guest, so the cashier can attach one to the guest who shows their code a little later.
//
// A staff member who works at several restaurants picks one first (remembered for the shift,
// changeable any time); every check is booked there and the POS list shows only its checks. With
// one restaurant there is nothing to pick.
import { createStore } from "zustand/vanilla";
import { ApiError } from "../api/client.ts";
import type { StaffSession } from "../api/guest-api.ts";
import type {
  AttachOutcome,
  CheckInput,
  GuestSummary,
  Operation,
  PosCheck,
  Quote,
  TillApi,
  TillRestaurant,
} from "../api/till-api.ts";
import { deviceRestaurantMemory, type RestaurantMemory } from "./till-restaurant-memory.ts";

export type TillAction = { type: "accrue" } | { type: "redeem"; points: number };

export type TillStep =
  | { kind: "signing-in" }
  | { kind: "not-staff"; error: ApiError }
  | { kind: "restaurant" }
  | { kind: "identify" }
  | { kind: "amount"; guest: GuestSummary }
  | { kind: "choose"; guest: GuestSummary; amountMinor: string; quote: Quote }
  | { kind: "confirm"; guest: GuestSummary; amountMinor: string; quote: Quote; action: TillAction; key: string }
  | { kind: "done"; guest: GuestSummary; amountMinor: string; operation: Operation; undoKey: string; undone: boolean }
  | { kind: "attach"; guest: GuestSummary; check: PosCheck }
  | { kind: "attached"; guest: GuestSummary; check: PosCheck; outcome: AttachOutcome };

export interface TillState {
  step: TillStep;
  staff: StaffSession["staff"] | null;
  busy: boolean;
  error: ApiError | null;
  /** the POS's recent checks without a guest, loaded when a guest is identified */
  posChecks: PosCheck[];
  /** the open restaurants the staff member works at */
  restaurants: TillRestaurant[];
  /** where checks are booked; null only when the business has no open restaurant */
  restaurant: TillRestaurant | null;
  signIn(): Promise<void>;
  /** Books the till at one of `restaurants` and remembers it for the shift. */
  pickRestaurant(id: string): void;
  /** Asks which restaurant again (only offered when there are several). */
  changeRestaurant(): void;
  identify(query: { qrToken: string } | { code: string } | { phone: string }): Promise<void>;
  enterAmount(amountMinor: bigint): Promise<void>;
  choose(action: TillAction): void;
  confirm(): Promise<void>;
  undo(): Promise<void>;
  /** Asks to confirm attaching one of `posChecks` to the identified guest. */
  pickPosCheck(id: string): void;
  attach(): Promise<void>;
  back(): void;
  reset(): void;
}

export interface TillDeps {
  api: TillApi;
  /** a till-only staff token for the Telegram account (POST /api/v1/auth/telegram) */
  openSession: () => Promise<StaffSession>;
  newKey?: () => string;
  /** where the picked restaurant is remembered; this device's storage unless said otherwise */
  memory?: RestaurantMemory;
}

export function createTillStore(deps: TillDeps) {
  const newKey = deps.newKey ?? (() => crypto.randomUUID());
  const memory = deps.memory ?? deviceRestaurantMemory();
  return createStore<TillState>()((set, get) => {
    /** The check as the API takes it, booked at the picked restaurant. */
    function checkInput(guest: GuestSummary, amountMinor: string): CheckInput {
      const restaurantId = get().restaurant?.id;
      return { guestId: guest.id, amountMinor, currency: guest.currency, ...(restaurantId ? { restaurantId } : {}) };
    }

    /** Runs a call with the busy flag; a refusal stays on the step and shows its message. */
    async function run<T>(call: () => Promise<T>): Promise<T | null> {
      if (get().busy) return null;
      set({ busy: true, error: null });
      try {
        return await call();
      } catch (error) {
        set({ error: error instanceof ApiError ? error : new ApiError(0, String(error)) });
        return null;
      } finally {
        set({ busy: false });
      }
    }

    return {
      step: { kind: "signing-in" },
      staff: null,
      busy: false,
      error: null,
      posChecks: [],
      restaurants: [],
      restaurant: null,

      async signIn() {
        set({ step: { kind: "signing-in" }, error: null });
        try {
          const session = await deps.openSession();
          const { restaurants, choiceRequired } = await deps.api.restaurants();
          const remembered = restaurants.find((r) => r.id === memory.recall(session.staff.id));
          const restaurant = choiceRequired ? (remembered ?? null) : (restaurants[0] ?? null);
          set({
            staff: session.staff,
            restaurants,
            restaurant,
            step: choiceRequired && !restaurant ? { kind: "restaurant" } : { kind: "identify" },
          });
        } catch (error) {
          const apiError = error instanceof ApiError ? error : new ApiError(0, String(error));
          set({ step: { kind: "not-staff", error: apiError } });
        }
      },

      pickRestaurant(id) {
        const { staff, restaurants } = get();
        const restaurant = restaurants.find((candidate) => candidate.id === id);
        if (!restaurant) return;
        if (staff) memory.remember(staff.id, restaurant.id);
        set({ restaurant, error: null, posChecks: [], step: { kind: "identify" } });
      },

      changeRestaurant() {
        if (get().restaurants.length < 2) return;
        set({ error: null, step: { kind: "restaurant" } });
      },

      async identify(query) {
        const guest = await run(() => deps.api.identify(query));
        if (!guest) return;
        set({ step: { kind: "amount", guest }, posChecks: [] });
        // A list to offer, not a step of the sale: if it cannot be loaded, the till goes on without it.
        try {
          // The staff member's own restaurants' checks (the API narrows the list to them).
          set({ posChecks: (await deps.api.unidentified()).checks });
        } catch {
          set({ posChecks: [] });
        }
      },

      async enterAmount(amountMinor) {
        const { step } = get();
        if (step.kind !== "amount") return;
        const input = checkInput(step.guest, amountMinor.toString());
        const quote = await run(() => deps.api.quote(newKey(), input));
        if (quote) set({ step: { kind: "choose", guest: step.guest, amountMinor: input.amountMinor, quote } });
      },

      choose(action) {
        const { step } = get();
        if (step.kind !== "choose") return;
        if (action.type === "redeem" && (action.points < 1 || action.points > step.quote.maxRedeemablePoints)) return;
        set({ error: null, step: { ...step, kind: "confirm", action, key: newKey() } });
      },

      async confirm() {
        const { step } = get();
        if (step.kind !== "confirm") return;
        const input = checkInput(step.guest, step.amountMinor);
        const operation = await run(() =>
          step.action.type === "accrue"
            ? deps.api.accrue(step.key, input)
            : deps.api.redeem(step.key, { ...input, points: step.action.points, holdId: step.quote.holdId }),
        );
        if (operation) {
          set({
            step: {
              kind: "done",
              guest: step.guest,
              amountMinor: step.amountMinor,
              operation,
              undoKey: newKey(),
              undone: false,
            },
          });
        }
      },

      async undo() {
        const { step } = get();
        if (step.kind !== "done" || step.undone || !step.operation.checkId) return;
        const checkId = step.operation.checkId;
        const refund = await run(() => deps.api.refund(step.undoKey, { checkId, reason: "cancelled at the till" }));
        if (refund) set({ step: { ...step, undone: true } });
      },

      pickPosCheck(id) {
        const { step, posChecks } = get();
        const check = posChecks.find((candidate) => candidate.id === id);
        if (step.kind !== "amount" || !check) return;
        set({ error: null, step: { kind: "attach", guest: step.guest, check } });
      },

      async attach() {
        const { step } = get();
        if (step.kind !== "attach") return;
        const outcome = await run(() => deps.api.attach(step.check.id, step.guest.id));
        if (!outcome) return;
        set({
          step: { kind: "attached", guest: step.guest, check: step.check, outcome },
          posChecks: get().posChecks.filter((candidate) => candidate.id !== step.check.id),
        });
      },

      back() {
        const { step } = get();
        set({ error: null });
        if (step.kind === "attach") set({ step: { kind: "amount", guest: step.guest } });
        else if (step.kind === "confirm") set({ step: { ...step, kind: "choose" } });
        else if (step.kind === "choose") set({ step: { kind: "amount", guest: step.guest } });
        else if (step.kind === "amount") set({ step: { kind: "identify" } });
        else if (step.kind === "restaurant" && get().restaurant) set({ step: { kind: "identify" } });
      },

      reset() {
        set({ error: null, posChecks: [], step: { kind: "identify" } });
      },
    };
  });
}

export type TillStore = ReturnType<typeof createTillStore>;
