// What a POS adapter makes of one incoming event, before anything is stored: a check to process,
// an event that needs nothing from us (an order still open), or one we cannot use (recorded as
// rejected so an admin can see what the POS sent).
import type { PosCheck } from "@maxl/shared";

export type AdaptedEvent =
  | {
      /** unique per integration; the same check by webhook and by polling has the same id */
      eventId: string;
      status: "accepted";
      check: PosCheck;
      /** the vendor's own document, kept beside the check for support */
      raw: unknown;
    }
  | { eventId: string; status: "ignored"; reason: string; raw: unknown }
  | { eventId: string; status: "rejected"; reason: string; raw: unknown };
