// iiko writes order times as the terminal's wall clock ("2026-11-20 21:47:13.456") with no
// offset. The organization's time zone turns that into an instant; the offset comes from the
// platform's Intl data, so zones with daylight saving are right on either side of a change.

const wallClockPattern = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/;

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at an instant, in milliseconds (Moscow: +3 h). */
function offsetAt(instantMs: number, timeZone: string): number {
  let formatter = offsetFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" });
    offsetFormatters.set(timeZone, formatter);
  }
  const name = formatter.formatToParts(instantMs).find((part) => part.type === "timeZoneName")?.value ?? "GMT";
  // "GMT" for UTC itself, otherwise "GMT+03:00" / "GMT-09:30".
  const match = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return (match[1] === "-" ? -minutes : minutes) * 60_000;
}

/**
 * The ISO instant (UTC, "Z") of an iiko local time in the given zone; null when the text is not
 * iiko's format or names a date that does not exist (2026-02-30).
 */
export function iikoLocalTimeToIso(localTime: string, timeZone: string): string | null {
  const match = wallClockPattern.exec(localTime);
  if (!match) return null;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = match.slice(1, 7).map(Number);
  const milliseconds = Number((match[7] ?? "").slice(0, 3).padEnd(3, "0"));
  const asIfUtc = Date.UTC(year, month - 1, day, hour, minute, second, milliseconds);
  const check = new Date(asIfUtc);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return null;
  }
  // The offset at the first guess may differ from the one at the answer when a clock change lies
  // between them; asking once more at the guess settles it.
  const guess = asIfUtc - offsetAt(asIfUtc, timeZone);
  return new Date(asIfUtc - offsetAt(guess, timeZone)).toISOString();
}
