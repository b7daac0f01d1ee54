// The guest's events screens in the whole app, against the real API (in process, on the test
// database): the list with the guest's standing, the empty state, a paid registration asked first
// and paid once whatever the taps and retries, the waitlist, a cancellation that gives the points
// back, the level gate, and refusals in the guest's words.
import "./support/dom.ts";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildWorld, json, key, type World } from "../../api/test/http/world.ts";
import { createTestApp, type TestApp } from "../../api/test/support.ts";
import { App } from "../src/app/App.tsx";
import type { Locale } from "../src/telegram/webapp.ts";

let test: TestApp;
let world: World;
const baseUrl = "http://miniapp.test/";
const wait = { timeout: 8_000 };

/** Idempotency-Keys of every registration the app sent, in order. */
const sentKeys: string[] = [];
/** How many of the next registration answers to lose after the API has acted on them. */
let loseRegistrationAnswers = 0;
/** How many of the next event list loads fail as if offline. */
let failListLoads = 0;

const fetchApp: typeof fetch = async (input, init) => {
  const request = new Request(input, init);
  const { pathname } = new URL(request.url);
  if (request.method === "GET" && pathname === "/api/v1/me/events" && failListLoads > 0) {
    failListLoads -= 1;
    throw new TypeError("Failed to fetch");
  }
  const registering = request.method === "POST" && /\/api\/v1\/me\/events\/[^/]+\/registration$/.test(pathname);
  if (registering) sentKeys.push(request.headers.get("idempotency-key") ?? "");
  const response = await test.app.fetch(request);
  if (registering && loseRegistrationAnswers > 0) {
    loseRegistrationAnswers -= 1;
    throw new TypeError("Failed to fetch");
  }
  return response;
};

let serial = 0;
const unique = (name: string) => `${name} ${++serial}`;
const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

interface Guest {
  id: string;
  user: { id: number; first_name: string; language_code: string };
  world: World;
}

const guestHeaders = (guest: Guest) => ({
  Authorization: `tma ${guest.world.initData(guest.user)}`,
  "X-Tenant": guest.world.slug,
});

/** A guest of the world with some points; their Telegram language becomes the app's. */
async function newGuest(points = 0, options: { world?: World; language?: Locale } = {}): Promise<Guest> {
  const w = options.world ?? world;
  const user = { id: 730_000_000 + ++serial, first_name: "Ann", language_code: options.language ?? "en" };
  const guest: Guest = { id: "", user, world: w };
  const card = await test.app.request("/api/v1/me/card", { headers: guestHeaders(guest) });
  guest.id = ((await card.json()) as { guest: { id: string } }).guest.id;
  if (points > 0) {
    const adjusted = await asManager(
      `/api/v1/guests/${guest.id}/adjustments`,
      json({ points, reason: "test" }, key()),
      w,
    );
    expect(adjusted.status).toBe(201);
  }
  return guest;
}

async function asManager(path: string, init: RequestInit = {}, w: World = world) {
  const headers = {
    Authorization: `Bearer ${await w.tokenFor("manager")}`,
    ...(init.headers as Record<string, string>),
  };
  return test.app.request(path, { ...init, headers });
}

async function publishedEvent(fields: Record<string, unknown>): Promise<string> {
  const created = await asManager(
    "/api/v1/events",
    json({ startsAt: inHours(48), endsAt: inHours(51), capacity: 10, ...fields }),
  );
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };
  expect((await asManager(`/api/v1/events/${id}/publish`, { method: "POST" })).status).toBe(200);
  return id;
}

async function registerThroughApi(guest: Guest, eventId: string) {
  const answer = await test.app.request(`/api/v1/me/events/${eventId}/registration`, {
    method: "POST",
    headers: { ...guestHeaders(guest), ...key() },
  });
  expect(answer.status).toBe(200);
  return (await answer.json()) as { my: { status: string } };
}

function openApp(guest: Guest, path: string) {
  window.history.replaceState(null, "", `${path}?tenant=${guest.world.slug}`);
  const locale = guest.user.language_code === "ru" ? "ru" : "en";
  const launch = {
    initData: guest.world.initData(guest.user),
    tenant: guest.world.slug,
    inTelegram: false,
    locale,
  } as const;
  return render(<App launch={launch} fetch={fetchApp} baseUrl={baseUrl} />);
}

const rowOf = async (title: string) => {
  const rows = await screen.findAllByTestId("event-row", {}, wait);
  const row = rows.find((candidate) => candidate.textContent?.includes(title));
  if (!row) throw new Error(`no row for ${title} in: ${rows.map((r) => r.textContent).join(" | ")}`);
  return row;
};

/**
 * Goes to the card tab and expects the new balance there, well before the card's own 10-second
 * refresh could have brought it: the events screens refresh the card themselves.
 */
async function expectBalanceOnCard(expected: string) {
  fireEvent.click(screen.getByRole("button", { name: /Card/ }));
  await waitFor(() => expect(screen.getByTestId("balance").textContent?.replace(/\D/g, "")).toBe(expected), {
    timeout: 3_000,
  });
}

beforeAll(async () => {
  test = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: "100000" } });
  world = await buildWorld(test);
});
afterEach(() => {
  cleanup();
  sentKeys.length = 0;
  loseRegistrationAnswers = 0;
  failListLoads = 0;
});
afterAll(() => test.close());

describe("the events list", () => {
  it("shows when, where, places, price and the guest's own standing, with the cover as a thumbnail", async () => {
    const open = unique("Wine evening");
    const mine = unique("Chef's dinner");
    const queued = unique("Jazz night");
    const guest = await newGuest(1_000);
    const other = await newGuest(1_000);
    const openId = await publishedEvent({ title: open, pricePoints: 300, restaurantId: world.restaurantId });
    const mineId = await publishedEvent({ title: mine, startsAt: inHours(30), endsAt: inHours(33) });
    const queuedId = await publishedEvent({ title: queued, capacity: 1 });
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const cover = await asManager(`/api/v1/events/${openId}/cover`, {
      method: "PUT",
      body: png,
      headers: { "Content-Type": "image/png" },
    });
    expect(cover.status).toBe(200);
    await registerThroughApi(guest, mineId);
    await registerThroughApi(other, queuedId);
    expect((await registerThroughApi(guest, queuedId)).my.status).toBe("waitlisted");

    openApp(guest, "/events");
    const openRow = await rowOf(open);
    expect(openRow.textContent).toContain("Main hall");
    expect(openRow.textContent).toContain("10 places left");
    expect(openRow.textContent).toContain("300 points");
    expect(within(openRow).queryByTestId("standing")).toBeNull();
    expect(openRow.querySelector("img")?.getAttribute("src")).toBe(
      `${baseUrl}api/v1/events/${openId}/cover?tenant=${world.slug}`,
    );
    const mineRow = await rowOf(mine);
    expect(within(mineRow).getByTestId("standing").textContent).toBe("✅ You are in");
    expect(mineRow.textContent).toContain("Free");
    const queuedRow = await rowOf(queued);
    expect(queuedRow.textContent).toContain("Full · waitlist");
    expect(within(queuedRow).getByTestId("standing").textContent).toBe("⏳ Waitlist #1");
    // Soonest first: the dinner (in 30 hours) before the others (in 48).
    const titles = screen.getAllByTestId("event-row").map((row) => row.textContent ?? "");
    expect(titles.findIndex((text) => text.includes(mine))).toBeLessThan(
      titles.findIndex((text) => text.includes(open)),
    );

    fireEvent.click(within(openRow).getByRole("button"));
    expect(await screen.findByRole("heading", { name: open }, wait)).toBeTruthy();
    expect(window.location.pathname).toBe(`/events/${openId}`);
    expect(screen.getByRole("img", { name: `Cover of “${open}”` })).toBeTruthy();
  });

  it("speaks Russian, with its plural forms", async () => {
    const title = unique("Дегустация");
    await publishedEvent({ title, capacity: 5, pricePoints: 2 });
    openApp(await newGuest(0, { language: "ru" }), "/events");
    const row = await rowOf(title);
    expect(row.textContent).toContain("Осталось 5 мест");
    expect(row.textContent).toContain("2 балла");
    expect(screen.getByRole("heading", { name: "События" })).toBeTruthy();
  });

  it("says so kindly when there are no events", async () => {
    const quiet = await buildWorld(test);
    openApp(await newGuest(0, { world: quiet }), "/events");
    expect(await screen.findByText("No events yet. We will tell you when there are.", {}, wait)).toBeTruthy();
    expect(screen.getByText(/appear here as soon as the restaurant announces them/)).toBeTruthy();
  });

  it("offers a retry when the list cannot be loaded", async () => {
    const title = unique("Cider tasting");
    await publishedEvent({ title });
    failListLoads = 1;
    openApp(await newGuest(), "/events");
    const alert = await screen.findByRole("alert", {}, wait);
    expect(alert.textContent).toContain("No connection to the server");
    fireEvent.click(within(alert).getByRole("button", { name: "Try again" }));
    expect(await rowOf(title)).toBeTruthy();
  });
});

describe("registering for an event", () => {
  it("asks first when it costs points, and a double tap on Yes registers and pays once", async () => {
    const title = unique("Wine evening");
    const eventId = await publishedEvent({ title, pricePoints: 300, attendanceBonusPoints: 50 });
    const guest = await newGuest(1_200);
    openApp(guest, `/events/${eventId}`);
    expect((await screen.findByTestId("event-price", {}, wait)).textContent).toContain("Costs 300 points");
    expect(screen.getByText(/For attending: \+50 points/)).toBeTruthy();

    fireEvent.click(await screen.findByRole("button", { name: "✅ Register" }, wait));
    const dialog = await screen.findByRole("alertdialog", {}, wait);
    expect(dialog.textContent).toContain("It costs 300 points, you have 1,200 points. Register?");
    expect(sentKeys).toEqual([]);
    const yes = within(dialog).getByRole("button", { name: "✅ Yes" });
    fireEvent.click(yes);
    fireEvent.click(yes);

    const outcome = await screen.findByTestId("event-outcome", {}, wait);
    expect(outcome.textContent).toContain(`You are registered for “${title}”`);
    expect(outcome.textContent).toContain("300 points taken. Balance: 900 points.");
    expect(sentKeys).toHaveLength(1);
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(screen.getByRole("button", { name: "❌ Cancel registration" })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: /Events/ }));
    expect(within(await rowOf(title)).getByTestId("standing").textContent).toBe("✅ You are in");
    await expectBalanceOnCard("900");
  });

  it("sends the same key again when the answer was lost, so the retry pays nothing more", async () => {
    const eventId = await publishedEvent({ title: unique("Chef's table"), pricePoints: 300 });
    const guest = await newGuest(1_200);
    openApp(guest, `/events/${eventId}`);
    fireEvent.click(await screen.findByRole("button", { name: "✅ Register" }, wait));
    loseRegistrationAnswers = 1;
    fireEvent.click(within(await screen.findByRole("alertdialog", {}, wait)).getByRole("button", { name: "✅ Yes" }));

    const failure = await screen.findByTestId("event-failure", {}, wait);
    expect(failure.textContent).toContain("No connection to the server");
    fireEvent.click(within(failure).getByRole("button", { name: "Try again" }));
    expect((await screen.findByTestId("event-outcome", {}, wait)).textContent).toContain("Balance: 900 points.");
    expect(sentKeys).toHaveLength(2);
    expect(sentKeys[1]).toBe(sentKeys[0]);
    await expectBalanceOnCard("900");
  });

  it("joins the waitlist of a full event, and is promoted (and charged) when a place frees up", async () => {
    const title = unique("Jazz night");
    const eventId = await publishedEvent({ title, capacity: 1, pricePoints: 300 });
    const first = await newGuest(500);
    await registerThroughApi(first, eventId);
    const guest = await newGuest(1_200);
    openApp(guest, `/events/${eventId}`);
    expect(await screen.findByText(/Full, you can join the waitlist/, {}, wait)).toBeTruthy();

    fireEvent.click(await screen.findByRole("button", { name: "⏳ Join the waitlist" }, wait));
    const dialog = await screen.findByRole("alertdialog", {}, wait);
    expect(dialog.textContent).toContain(
      "It is full. Join the waitlist? When a place frees up, 300 points will be taken (you have 1,200 points).",
    );
    fireEvent.click(within(dialog).getByRole("button", { name: "✅ Yes" }));
    const outcome = await screen.findByTestId("event-outcome", {}, wait);
    expect(outcome.textContent).toContain("you are on the waitlist, number 1 in line");
    expect(outcome.textContent).toContain("When a place frees up, 300 points will be taken");
    expect(screen.getByRole("button", { name: "❌ Leave the waitlist" })).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: /Events/ }));
    const row = await rowOf(title);
    expect(within(row).getByTestId("standing").textContent).toBe("⏳ Waitlist #1");
    fireEvent.click(within(row).getByRole("button"));
    expect((await screen.findByTestId("standing", {}, wait)).textContent).toBe(
      "⏳ You are on the waitlist, number 1 in line.",
    );
    expect(screen.queryByTestId("event-outcome")).toBeNull();

    const left = await test.app.request(`/api/v1/me/events/${eventId}/registration`, {
      method: "DELETE",
      headers: guestHeaders(first),
    });
    expect(left.status).toBe(200);
    fireEvent.click(screen.getByRole("button", { name: /Events/ }));
    await waitFor(
      async () => expect(within(await rowOf(title)).getByTestId("standing").textContent).toBe("✅ You are in"),
      wait,
    );
    await expectBalanceOnCard("900");
  });

  it("registers for a free event at once, without a question", async () => {
    const eventId = await publishedEvent({ title: unique("Open kitchen") });
    openApp(await newGuest(), `/events/${eventId}`);
    fireEvent.click(await screen.findByRole("button", { name: "✅ Register" }, wait));
    expect((await screen.findByTestId("event-outcome", {}, wait)).textContent).toContain("See you there!");
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(sentKeys).toHaveLength(1);
  });
});

describe("cancelling", () => {
  it("asks first, then shows the points returned and the new balance", async () => {
    const title = unique("Cheese evening");
    const eventId = await publishedEvent({ title, pricePoints: 300 });
    const guest = await newGuest(1_200);
    await registerThroughApi(guest, eventId);
    openApp(guest, `/events/${eventId}`);
    expect(await screen.findByText("✅ You are registered.", {}, wait)).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "❌ Cancel registration" }));
    const dialog = await screen.findByRole("alertdialog", {}, wait);
    expect(dialog.textContent).toContain(`Cancel your registration for “${title}”? Your points will come back.`);
    fireEvent.click(within(dialog).getByRole("button", { name: "No, keep it" }));
    expect(screen.queryByRole("alertdialog")).toBeNull();

    fireEvent.click(screen.getByRole("button", { name: "❌ Cancel registration" }));
    fireEvent.click(
      within(await screen.findByRole("alertdialog", {}, wait)).getByRole("button", { name: "Yes, cancel" }),
    );
    const outcome = await screen.findByTestId("event-outcome", {}, wait);
    expect(outcome.textContent).toContain(`Your registration for “${title}” is cancelled.`);
    expect(outcome.textContent).toContain("Your points are back: +300 points. Balance: 1,200 points.");
    expect(screen.getByRole("button", { name: "✅ Register" })).toBeTruthy();
    await expectBalanceOnCard("1200");
  });
});

describe("what the guest cannot do", () => {
  it("explains a minimum level the guest has not reached, and offers no Register button", async () => {
    const silver = await test.db.withTenant(world.tenantId, (tx) =>
      tx.level.findFirstOrThrow({ where: { name: "Silver" } }),
    );
    const eventId = await publishedEvent({ title: unique("Silver club"), minLevelId: silver.id });
    openApp(await newGuest(1_000), `/events/${eventId}`);
    expect(await screen.findByText(/For guests of level Silver and above/, {}, wait)).toBeTruthy();
    const note = await screen.findByTestId("level-too-low", {}, wait);
    expect(note.textContent).toMatch(
      /This event is for guests of level Silver and above.*You can register once you reach it/,
    );
    expect(screen.queryByRole("button", { name: /Register|waitlist/ })).toBeNull();
  });

  it("says a paid place is out of reach before asking, when the balance is short", async () => {
    const eventId = await publishedEvent({ title: unique("Truffle dinner"), pricePoints: 300 });
    openApp(await newGuest(120), `/events/${eventId}`);
    const note = await screen.findByTestId("not-enough", {}, wait);
    expect(note.textContent).toBe("Not enough points: the event costs 300 points, you have 120 points.");
    expect(screen.queryByRole("button", { name: "✅ Register" })).toBeNull();
  });

  it("tells the guest in their words when the points were spent while they were deciding", async () => {
    const eventId = await publishedEvent({ title: unique("Oyster bar"), pricePoints: 300 });
    const guest = await newGuest(500);
    openApp(guest, `/events/${eventId}`);
    fireEvent.click(await screen.findByRole("button", { name: "✅ Register" }, wait));
    const dialog = await screen.findByRole("alertdialog", {}, wait);
    const spent = await asManager(
      `/api/v1/guests/${guest.id}/adjustments`,
      json({ points: -300, reason: "test" }, key()),
    );
    expect(spent.status).toBe(201);
    fireEvent.click(within(dialog).getByRole("button", { name: "✅ Yes" }));
    const failure = await screen.findByTestId("event-failure", {}, wait);
    expect(failure.textContent).toBe("Not enough points: the event costs 300 points, you have 200 points.");
    // A refusal is not retried: the screen shows the balance as it is now instead.
    expect(within(failure).queryByRole("button")).toBeNull();
    expect(await screen.findByTestId("not-enough", {}, wait)).toBeTruthy();
  });

  it("puts the guest in line when the last place went while they were deciding", async () => {
    const eventId = await publishedEvent({ title: unique("Pasta class"), capacity: 1 });
    openApp(await newGuest(), `/events/${eventId}`);
    const register = await screen.findByRole("button", { name: "✅ Register" }, wait);
    await registerThroughApi(await newGuest(), eventId);
    fireEvent.click(register);
    expect((await screen.findByTestId("event-outcome", {}, wait)).textContent).toContain(
      "It is full — you are on the waitlist, number 1 in line.",
    );
    expect(screen.getByRole("button", { name: "❌ Leave the waitlist" })).toBeTruthy();
  });

  it("says when the restaurant cancelled the event the guest is looking at", async () => {
    const eventId = await publishedEvent({ title: unique("Barbecue") });
    openApp(await newGuest(0, { language: "ru" }), `/events/${eventId}`);
    const register = await screen.findByRole("button", { name: "✅ Записаться" }, wait);
    const cancelled = await asManager(`/api/v1/events/${eventId}/cancel`, json({ reason: "rain" }));
    expect(cancelled.status).toBe(200);
    fireEvent.click(register);
    expect((await screen.findByTestId("event-failure", {}, wait)).textContent).toBe("Это событие отменено.");
    expect(await screen.findByText("Это событие отменено.", { selector: "li" }, wait)).toBeTruthy();
    expect(screen.queryByRole("button", { name: "✅ Записаться" })).toBeNull();
  });
});
