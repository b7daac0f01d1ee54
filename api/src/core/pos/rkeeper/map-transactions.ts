// What a FarCards `transactionsex` call means for us. r_keeper calls it once per check with all
// the check's transactions on our card; the one we act on is kind 3, "потраты гостя (сколько
// заплатил своих денег)": kopecks the guest paid, positive for a sale and negative when a check is
// cancelled. Whether the call is a sale or a return comes from the check mode (`chmode`) of the
// CHECK in INPBUF: 1 sale, 2 rollback of a sale the till could not finish, 3 return, 4 rollback of
// a return; anything else (order editing, bills, "before receipt") is not a closed check.
//
// A return is the same check undone: r_keeper sends it with the check's own `checkguid`, so the
// refund points at the sale through that guid. Without a guid we cannot prove which sale it undoes
// and reject it for an admin to look at rather than guess.
import { createHash } from "node:crypto";
import {
  type PosCheckInput,
  type PosCheckItem,
  parseMinorInput,
  posCheckItemSchema,
  posCheckSchema,
  startOfLocalDay,
} from "@maxl/shared";
import type { AdaptedEvent } from "../adapted-event.ts";
import { guestRefFromCardCode } from "./card-code.ts";
import type { FarCardsCheck, FarCardsTransactionsRequest } from "./farcards-xml.ts";
import type { RkeeperSettings } from "./settings.ts";

const KIND_PAYMENT = 0;
const KIND_GUEST_PAID = 3;

const CHMODE_SALE = 1;
const CHMODE_RETURN = 3;
const CHMODE_RETURN_ROLLBACK = 4;

// The closed-check modes, and what each adds to the sale's externalId. A rollback (2) undoes a
// sale the till reported and then could not finish: for the guest's points that is a refund of
// the whole sale, kept apart from a later return by its own id.
const MODE_SUFFIX: Record<number, string> = { 1: "", 2: "/rollback", 3: "/return", 4: "/return-rollback" };

export function farCardsTransactionEvents(
  request: FarCardsTransactionsRequest,
  settings: RkeeperSettings,
): AdaptedEvent[] {
  const raw = request;
  const restaurants = new Set(request.transactions.map((transaction) => transaction.restaurant));
  const [restaurant] = restaurants;
  const payments = request.transactions.filter((t) => t.kind === KIND_PAYMENT && BigInt(t.summa) !== 0n);
  const paid = request.transactions.filter((t) => t.kind === KIND_GUEST_PAID);
  const total = paid.reduce((sum, t) => sum + BigInt(t.summa), 0n);
  const mode = request.check?.chmode ?? (total > 0n ? CHMODE_SALE : CHMODE_RETURN);
  const saleId = restaurant ? saleExternalId(restaurant, request) : undefined;
  // Every mode of the same check is its own document: a bill (chmode 6) ignored today must not
  // share an id with the sale that closes the check later, or the sale would be taken for a repeat.
  const documentId = saleId && `${saleId}${MODE_SUFFIX[mode] ?? `/chmode-${mode}`}`;
  // A call we cannot tie to a check still needs an id that repeats when r_keeper repeats it.
  const eventId = `farcards:${documentId ?? `document:${createHash("sha256").update(JSON.stringify(raw)).digest("hex").slice(0, 32)}`}`;
  const ignored = (reason: string): AdaptedEvent[] => [{ eventId, status: "ignored", reason, raw }];
  const rejected = (reason: string): AdaptedEvent[] => [{ eventId, status: "rejected", reason, raw }];

  if (!restaurant) return ignored("no transactions in the request");
  if (restaurants.size > 1) return rejected(`transactions from several restaurants: ${[...restaurants].join(", ")}`);
  if (!(mode in MODE_SUFFIX)) return ignored(`not a closed check (chmode ${mode})`);
  // We answer every card with Summa 0, so r_keeper should never charge one; if it does, someone
  // configured the card as a means of payment and the guest's points were not debited.
  if (payments.length > 0) return rejected("payment from the card's account (Kind 0) is not supported");
  if (paid.length === 0) return ignored("no guest payment (Kind 3) on the check: nothing to accrue or refund");
  if (total === 0n) return ignored("the guest paid nothing on this check");
  const cards = new Set(paid.map((t) => t.card));
  if (cards.size > 1) return rejected(`several loyalty cards on one check: ${[...cards].join(", ")}`);
  if (!saleId || !documentId) return rejected("cannot identify the check: neither checkguid in INPBUF nor RKCheck");
  if (mode === CHMODE_RETURN_ROLLBACK) {
    return rejected("rollback of a return (chmode 4) is not supported: check the guest's points by hand");
  }
  if (mode === CHMODE_SALE && total < 0n) return rejected("a sale (chmode 1) with a negative amount paid");
  const isSale = mode === CHMODE_SALE;
  if (!isSale && !request.check?.checkGuid) {
    return rejected("a return without checkguid in INPBUF cannot be matched to its sale");
  }
  const closedAt = closeTime(request, isSale, settings.timeZone);
  if (!closedAt) return rejected("no usable close time (closedatetime, generateddatetime or RKDate)");

  const [card = ""] = cards;
  const guest = guestRefFromCardCode(card);
  const items = request.check ? checkItems(request.check) : undefined;
  const input: PosCheckInput = {
    externalId: documentId,
    type: isSale ? "sale" : "refund",
    ...(isSale ? {} : { refundOf: saleId }),
    amountMinor: (total < 0n ? -total : total).toString(),
    currency: settings.currency,
    closedAt,
    restaurantExternalId: restaurant,
    ...(guest ? { guest } : {}),
    ...(items && items.length > 0 ? { items } : {}),
  };
  const parsed = posCheckSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return rejected(`not a valid check: ${issue?.path.join(".") || "check"} ${issue?.message ?? ""}`.trim());
  }
  return [{ eventId, status: "accepted", check: parsed.data, raw }];
}

/** The sale's externalId: the restaurant and the check's guid, or its cash date, till and number. */
function saleExternalId(restaurant: string, request: FarCardsTransactionsRequest): string | undefined {
  const guid = request.check?.checkGuid?.replace(/[{}]/g, "").toLowerCase();
  if (guid) return `${restaurant}/${guid}`;
  const [first] = request.transactions;
  if (!first?.checkNumber) return undefined;
  return `${restaurant}/${first.cashDate ?? "-"}/${first.unit ?? "-"}/${first.checkNumber}`;
}

// A returned check keeps the sale's closedatetime; the return itself happened when the till
// generated this document.
function closeTime(request: FarCardsTransactionsRequest, isSale: boolean, timeZone: string): string | undefined {
  const { check } = request;
  const times = isSale ? [check?.closedAt, check?.generatedAt] : [check?.generatedAt, check?.closedAt];
  for (const candidate of [...times, request.transactions[0]?.cashDate]) {
    const instant = candidate ? localToInstant(candidate, timeZone) : undefined;
    if (instant) return instant;
  }
  return undefined;
}

/**
 * r_keeper writes local wall-clock times ("2026-11-21T13:05:12") without an offset. The time of
 * day is added to the start of the local day, which is exact except on a day whose offset changes
 * before that hour (none in Russia since 2014).
 */
function localToInstant(value: string, timeZone: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
    value,
  );
  if (!match) return undefined;
  const [, year, month, day, hour = "0", minute = "0", second = "0", offset] = match;
  const date = { year: Number(year), month: Number(month), day: Number(day) };
  const probe = new Date(Date.UTC(date.year, date.month - 1, date.day));
  if (probe.getUTCMonth() !== date.month - 1 || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) {
    return undefined;
  }
  if (offset) {
    const instant = new Date(value);
    return Number.isNaN(instant.getTime()) ? undefined : instant.toISOString();
  }
  const secondsOfDay = Number(hour) * 3600 + Number(minute) * 60 + Number(second);
  return new Date(startOfLocalDay(date, timeZone).getTime() + secondsOfDay * 1000).toISOString();
}

function checkItems(check: FarCardsCheck): PosCheckItem[] | undefined {
  // Lines are a courtesy for reports; a line we cannot read is left out, never the check.
  const items = check.lines.flatMap((line) => {
    const amountMinor = parseMinorInput(line.sum);
    const item = posCheckItemSchema.safeParse({
      name: line.name,
      quantity: Number(line.quantity),
      amountMinor: amountMinor === null ? -1 : Number(amountMinor),
      ...(line.code ? { sku: line.code } : {}),
    });
    return item.success ? [item.data] : [];
  });
  return items.length <= 500 ? items : undefined;
}
