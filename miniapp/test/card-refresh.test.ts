import { describe, expect, it } from "vitest";
import type { GuestCard } from "../src/api/guest-api.ts";
import { nextCardRefreshMs } from "../src/state/guest-store.ts";

const cardWithQrLapsingAt = (iso: string) =>
  ({
    identification: { qr: { token: "mlq_x", expiresAt: iso }, code: { code: "123456", expiresAt: iso } },
  }) as GuestCard;

describe("when the open card refreshes", () => {
  const now = Date.parse("2026-11-21T12:00:00Z");

  it("every 10 s while the QR token has long to live", () => {
    expect(nextCardRefreshMs(cardWithQrLapsingAt("2026-11-21T12:01:00Z"), now)).toBe(10_000);
  });

  it("just after the API would replace the token (under 15 s left)", () => {
    expect(nextCardRefreshMs(cardWithQrLapsingAt("2026-11-21T12:00:20Z"), now)).toBe(6_000);
  });

  it("soon, but not in a busy loop, when the token is already due", () => {
    expect(nextCardRefreshMs(cardWithQrLapsingAt("2026-11-21T11:59:00Z"), now)).toBe(1_000);
  });
});
