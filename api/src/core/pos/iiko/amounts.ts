// iiko sends money as decimal roubles in JSON numbers (1234.56). The number is read through its
// shortest decimal form, which is exactly what iiko wrote, so no binary fraction leaks into
// kopecks: 1234.56 is 123456, never 123455.

/** Decimal roubles in kopecks, half-up beyond two places; null when negative or not a sane amount. */
export function iikoSumToMinor(sum: number): bigint | null {
  if (!Number.isFinite(sum) || sum < 0) return null;
  const decimal = String(sum);
  // Exponent notation appears only below 1e-6 (rounds to nothing) or from 1e21 (no real check).
  if (decimal.includes("e")) return sum < 1 ? 0n : null;
  const [whole = "0", fraction = ""] = decimal.split(".");
  const kopecks = BigInt(whole) * 100n + BigInt(fraction.slice(0, 2).padEnd(2, "0"));
  const roundsUp = (fraction[2] ?? "0") >= "5";
  return roundsUp ? kopecks + 1n : kopecks;
}
