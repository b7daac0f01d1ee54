// Phone numbers as cashiers type them ("8 (999) 123-45-67", "+7 999 123 45 67") to E.164.
// Russian habits are the default: a leading 8 or 7 on an 11-digit number means +7, and a bare
// 10-digit number starting with 9 is a Russian mobile.

export function normalizePhone(input: string): string | null {
  const trimmed = input.trim();
  const digits = trimmed.replace(/\D/g, "");
  if (trimmed.startsWith("+")) return /^[1-9]\d{6,14}$/.test(digits) ? `+${digits}` : null;
  if (digits.length === 11 && (digits.startsWith("8") || digits.startsWith("7"))) return `+7${digits.slice(1)}`;
  if (digits.length === 10 && digits.startsWith("9")) return `+7${digits}`;
  return null;
}
