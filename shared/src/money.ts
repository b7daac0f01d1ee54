// Money is integer minor units (kopecks) held as bigint; points are integers. Rates are basis
// points (1 bp = 0.01 %), so every calculation is exact integer arithmetic and the only place a
// fraction is dropped is an explicit, named rounding step.

export const roundingModes = ["floor", "half_up", "ceil"] as const;
export type RoundingMode = (typeof roundingModes)[number];

export const BPS_PER_UNIT = 10_000;

/** numerator / denominator rounded as asked. Both non-negative; denominator positive. */
export function divideRounded(numerator: bigint, denominator: bigint, mode: RoundingMode): bigint {
  if (denominator <= 0n) throw new RangeError("denominator must be positive");
  if (numerator < 0n) throw new RangeError("numerator must not be negative");
  const quotient = numerator / denominator;
  const remainder = numerator % denominator;
  if (remainder === 0n) return quotient;
  switch (mode) {
    case "floor":
      return quotient;
    case "ceil":
      return quotient + 1n;
    case "half_up":
      return remainder * 2n >= denominator ? quotient + 1n : quotient;
  }
}

export interface EarnInput {
  /** what the guest paid in money, minor units */
  paidMinor: bigint;
  earnRateBps: number;
  /** minor units one point is worth */
  pointValueMinor: number;
  rounding: RoundingMode;
}

/** Points earned on a payment: paid x rate, expressed in points, rounded by the program's rule. */
export function pointsEarned({ paidMinor, earnRateBps, pointValueMinor, rounding }: EarnInput): number {
  assertNonNegative(paidMinor, "paidMinor");
  const earnedMinorTimesBps = paidMinor * BigInt(earnRateBps);
  const points = divideRounded(earnedMinorTimesBps, BigInt(BPS_PER_UNIT) * BigInt(pointValueMinor), rounding);
  return toSafeNumber(points);
}

export interface RedeemLimitInput {
  /** the check total, minor units */
  amountMinor: bigint;
  /** the largest share of the check payable with points */
  maxShareBps: number;
  pointValueMinor: number;
  /** points the guest can spend right now */
  available: number;
}

/**
 * The most points a check may be paid with. Always rounded down: rounding up could let points
 * pay more than the allowed share.
 */
export function maxRedeemablePoints(input: RedeemLimitInput): number {
  assertNonNegative(input.amountMinor, "amountMinor");
  const byShare = divideRounded(
    input.amountMinor * BigInt(input.maxShareBps),
    BigInt(BPS_PER_UNIT) * BigInt(input.pointValueMinor),
    "floor",
  );
  return Math.max(0, Math.min(toSafeNumber(byShare), input.available));
}

/** What a number of points is worth in money, minor units. */
export function pointsToMinor(points: number, pointValueMinor: number): bigint {
  return BigInt(points) * BigInt(pointValueMinor);
}

/**
 * The part of `points` that corresponds to `part` of `whole` (e.g. the points to reverse for a
 * partial refund), rounded as asked and never more than `points`.
 */
export function proportionalPoints(points: number, part: bigint, whole: bigint, rounding: RoundingMode): number {
  if (whole <= 0n) throw new RangeError("whole must be positive");
  assertNonNegative(part, "part");
  if (part >= whole) return points;
  return toSafeNumber(divideRounded(BigInt(points) * part, whole, rounding));
}

function assertNonNegative(value: bigint, name: string): void {
  if (value < 0n) throw new RangeError(`${name} must not be negative`);
}

function toSafeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError("points out of range");
  return Number(value);
}

/**
 * Formats minor units for people: `formatMinor(123450n, "RUB", "ru")` gives "1 234,50 ₽". With
 * `wholeWithoutFraction`, a whole amount drops its zeros ("10 000 ₽"), as menus and price lists
 * write it; a till receipt keeps them.
 */
export function formatMinor(
  minor: bigint,
  currency: string,
  locale: string,
  options: { wholeWithoutFraction?: boolean } = {},
): string {
  // "₽" rather than "RUB" in English too: what the guest sees on the menu board.
  const full = new Intl.NumberFormat(locale, { style: "currency", currency, currencyDisplay: "narrowSymbol" });
  const whole = minor % 10n ** BigInt(full.resolvedOptions().maximumFractionDigits ?? 2) === 0n;
  const formatter =
    options.wholeWithoutFraction && whole
      ? new Intl.NumberFormat(locale, {
          style: "currency",
          currency,
          currencyDisplay: "narrowSymbol",
          minimumFractionDigits: 0,
        })
      : full;
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  const scale = 10n ** BigInt(digits);
  const sign = minor < 0n ? "-" : "";
  const absolute = minor < 0n ? -minor : minor;
  // Intl takes a decimal string exactly, so large amounts never pass through a float.
  const decimal = `${sign}${absolute / scale}.${(absolute % scale).toString().padStart(digits, "0")}`;
  return formatter.format(decimal as unknown as number);
}

/**
 * An amount as people type it at a till, in minor units: "1250", "1 250", "1250,5", "1 250.50 ₽".
 * Null for anything else (negative, more than two decimals, letters, empty).
 */
export function parseMinorInput(input: string): bigint | null {
  const cleaned = input.replace(/[\s\u00a0\u202f]/g, "").replace(/(₽|руб\.?|р\.?|rub)$/i, "");
  const match = /^(\d{1,12})(?:[.,](\d{1,2}))?$/.exec(cleaned);
  if (!match?.[1]) return null;
  const fraction = (match[2] ?? "").padEnd(2, "0");
  return BigInt(match[1]) * 100n + BigInt(fraction);
}
