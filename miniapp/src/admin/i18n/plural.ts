// Russian plural forms, shared by the admin view's tables of texts.

/** Russian plural forms: 1 гость, 2 гостя, 5 гостей. */
export function plural(n: number, one: string, few: string, many: string): string {
  const tens = n % 100;
  const units = n % 10;
  if (tens >= 11 && tens <= 14) return many;
  if (units === 1) return one;
  if (units >= 2 && units <= 4) return few;
  return many;
}
