// @vitest-environment jsdom
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "../src/api/client.ts";
import { type GuestCard, guestApi, type Profile } from "../src/api/guest-api.ts";
import { LocaleProvider, ServicesProvider } from "../src/app/context.tsx";
import { CardView } from "../src/screens/CardScreen.tsx";
import { createGuestStore } from "../src/state/guest-store.ts";
import type { Locale } from "../src/telegram/webapp.ts";

// The shape GET /api/v1/me/card answers with (the type is the API's own).
const card: GuestCard = {
  guest: { id: "g1", firstName: "Анна", lastName: null, locale: "ru" },
  tenant: { name: "Кофейня «Зерно»", currency: "RUB", timeZone: "Europe/Moscow" },
  balance: 1250,
  available: 1250,
  pointValueMinor: 100,
  level: { id: "l1", name: "Серебро", rank: 1, earnRateBps: 700 },
  nextLevel: {
    id: "l2",
    name: "Золото",
    rank: 2,
    earnRateBps: 1000,
    thresholdMinor: "5000000",
    remainingMinor: "1250000",
  },
  progress: 0.75,
  spendMinor: "3750000",
  levelWindowDays: 365,
  expiringSoonest: { points: 300, expiresAt: "2026-12-01T21:30:00Z" },
  identification: {
    qr: { token: "mlq_test_token", expiresAt: new Date(Date.now() + 60_000).toISOString() },
    code: { code: "482913", expiresAt: new Date(Date.now() + 300_000).toISOString() },
  },
};

const profile: Profile = {
  firstName: "Анна",
  lastName: null,
  phone: "+79990000001",
  birthday: null,
  locale: "ru",
  notificationsEnabled: true,
  registered: true,
  staff: null,
};

function renderCard(locale: Locale, shown: GuestCard, guestProfile: Profile = profile) {
  // Never called: the card view only reads the store.
  const api = guestApi(createClient({ baseUrl: "http://127.0.0.1:9", authorization: () => "" }), "demo");
  const store = createGuestStore(api, locale);
  store.setState({ profile: { status: "ready", data: guestProfile } });
  return render(
    <ServicesProvider
      services={{
        launch: { initData: "x", tenant: "demo", inTelegram: false, locale },
        client: createClient({ baseUrl: "http://127.0.0.1:9", authorization: () => "" }),
        api,
        store,
      }}
    >
      <LocaleProvider value={locale}>
        <CardView card={shown} />
      </LocaleProvider>
    </ServicesProvider>,
  );
}

afterEach(cleanup);

describe("the card screen", () => {
  it("shows balance, level progress, expiring points, the QR token and the code, in Russian", () => {
    renderCard("ru", card);
    expect(screen.getByTestId("balance").textContent?.replace(/\s/g, "")).toBe("1250");
    expect(screen.getByText("Серебро")).toBeTruthy();
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("75");
    expect(screen.getByText(/До уровня «Золото» осталось 12\s500\s₽/)).toBeTruthy();
    // 21:30 UTC is already 00:30 on 2 December in Moscow.
    expect(screen.getByTestId("expiring").textContent).toMatch(/300 баллов сгорят 2 декабря/);
    expect(document.querySelector("svg.qr")?.getAttribute("data-value")).toBe("mlq_test_token");
    expect(screen.getByTestId("guest-code").textContent).toBe("482 913");
  });

  it("speaks English to an English-speaking guest", () => {
    renderCard("en", card);
    expect(screen.getByText(/₽12,500 more to Золото/)).toBeTruthy();
    expect(screen.getByTestId("expiring").textContent).toMatch(/300 points expire on 2 December/);
  });

  it("says when the guest is at the top level", () => {
    renderCard("en", { ...card, nextLevel: null, progress: 1 });
    expect(screen.getByText("You are at the top level")).toBeTruthy();
    expect(screen.queryByRole("progressbar")).toBeNull();
  });

  it("asks an unregistered guest to finish signing up, and offers staff the till", () => {
    renderCard("en", card, { ...profile, registered: false, staff: { name: "Kate", role: "cashier" } });
    expect(screen.getByText(/Finish signing up in the bot/)).toBeTruthy();
    expect(screen.getByRole("button", { name: /Till: scan a guest/ })).toBeTruthy();
  });

  it("shows the held points when an open check holds some", () => {
    renderCard("en", { ...card, available: 1000 });
    expect(screen.getByText(/1,000 points available now/)).toBeTruthy();
  });
});
