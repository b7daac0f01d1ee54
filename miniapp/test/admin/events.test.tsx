// Events in the admin view, in a DOM against the real API: the form takes times as the
// business's wall clock (Moscow here) and puts the API's 422 beside the field, the cover is
// checked in the browser before it is sent; publishing and cancelling are confirmed (a
// cancellation needs a reason and says who is told and what goes back); the guest list shows the
// waitlist in order and checks guests in, by row or by the code typed at the door; a cashier gets
// no events management.
import "./dom.ts";
import { randomUUID } from "node:crypto";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEngineDeps, type EngineDeps } from "../../../api/src/core/context.ts";
import { registerForEvent } from "../../../api/src/core/events/register-guest.ts";
import { adjustPoints } from "../../../api/src/core/loyalty/adjust-points.ts";
import { buildWorld, json, type World } from "../../../api/test/http/world.ts";
import { createTestApp, type TestApp } from "../../../api/test/support.ts";
import { AdminApp } from "../../src/admin/app/App.tsx";
import { isoToZonedInput } from "../../src/admin/events/zoned-time.ts";
import { localeStore } from "../../src/admin/i18n/locale.ts";
import { baseUrl, browserFetch } from "./browser-fetch.ts";

let test: TestApp;
let world: World;
let engine: EngineDeps;

const open = async (hash: string, role: "owner" | "cashier" = "owner") => {
  const browser = browserFetch(() => test);
  const response = await browser.fetch(`${baseUrl}api/v1/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: world.staff[role].email, password: world.staff[role].password }),
  });
  expect(response.status).toBe(200);
  window.location.hash = hash;
  render(<AdminApp baseUrl={baseUrl} fetch={browser.fetch} readCsrf={browser.csrf} />);
  return browser;
};

const typeIn = (scope: HTMLElement, label: string | RegExp, value: string) =>
  fireEvent.change(within(scope).getByLabelText(label), { target: { value } });

/** A Moscow calendar day some days ahead, as a datetime-local date ("2026-12-05"). */
const moscowDay = (daysAhead: number) =>
  isoToZonedInput(new Date(Date.now() + daysAhead * 86_400_000).toISOString(), "Europe/Moscow").slice(0, 10);

const asOwner = async (path: string, init: RequestInit = {}) =>
  test.app.request(path, {
    ...init,
    headers: { Authorization: `Bearer ${await world.tokenFor("owner")}`, ...init.headers },
  });

/** A draft made through the API: two days ahead, 19:00-22:00 Moscow time. */
async function draftEvent(fields: Record<string, unknown>): Promise<string> {
  const day = moscowDay(2);
  const response = await asOwner(
    "/api/v1/events",
    json({ startsAt: `${day}T19:00:00+03:00`, endsAt: `${day}T22:00:00+03:00`, ...fields }),
  );
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

let phones = 0;
async function guestWithPoints(firstName: string, points: number): Promise<{ id: string; phone: string }> {
  const id = randomUUID();
  phones += 1;
  const phone = `+7999000223${phones}`;
  await test.db.withTenant(world.tenantId, async (tx) => {
    const level = await tx.level.findFirstOrThrow({ where: { name: "Bronze" } });
    await tx.guest.create({
      data: { tenantId: world.tenantId, id, firstName, phone, levelId: level.id, registeredAt: new Date() },
    });
  });
  await adjustPoints(engine, {
    tenantId: world.tenantId,
    actor: { source: "admin", staffId: world.staff.owner.id, role: "owner" },
    idempotencyKey: randomUUID(),
    input: { guestId: id, points, reason: "welcome gift" },
  });
  return { id, phone };
}

const register = (eventId: string, guestId: string) =>
  registerForEvent(engine, { tenantId: world.tenantId, guestId, eventId, idempotencyKey: randomUUID() });

const balanceOf = (guestId: string) =>
  test.db.withTenant(
    world.tenantId,
    async (tx) =>
      (await tx.guest.findUniqueOrThrow({ where: { tenantId_id: { tenantId: world.tenantId, id: guestId } } })).balance,
  );

const png = () =>
  new File(
    [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82])],
    "cover.png",
    {
      type: "image/png",
    },
  );

beforeAll(async () => {
  test = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: "1000" } });
  world = await buildWorld(test);
  engine = createEngineDeps({ db: test.db, redis: test.redis, settings: { redisPrefix: test.redisPrefix } });
});

beforeEach(() => localeStore.getState().setLocale("en"));
afterEach(cleanup);
afterAll(() => test.close());

describe("creating an event", () => {
  it("takes Moscow wall-clock times, puts the API's field error on its field, checks the cover, then saves the draft", async () => {
    const browser = await open("#/events");
    const createFirst = (await screen.findByRole("button", { name: "Create the first event" })) as HTMLButtonElement;
    // Enabled once the restaurants to choose from are in.
    await waitFor(() => expect(createFirst.disabled).toBe(false));
    fireEvent.click(createFirst);
    const dialog = screen.getByRole("dialog", { name: "A new event" });
    const day = moscowDay(3);
    typeIn(dialog, "Title", "Wine evening");
    typeIn(dialog, "Starts", `${day}T19:00`);
    // The end fills in three hours later; set it before the start, which only the API refuses.
    expect((within(dialog).getByLabelText("Ends") as HTMLInputElement).value).toBe(`${day}T22:00`);
    typeIn(dialog, "Ends", `${day}T18:00`);
    typeIn(dialog, "Places", "20");
    expect(within(dialog).getByText("The business's time: Europe/Moscow, UTC+03:00")).toBeTruthy();

    const cover = within(dialog).getByLabelText("Cover image");
    const big = new File([new Uint8Array(2 * 1024 * 1024 + 1)], "big.png", { type: "image/png" });
    fireEvent.change(cover, { target: { files: [big] } });
    expect(within(dialog).getByText("The image is larger than 2 MB")).toBeTruthy();
    fireEvent.change(cover, { target: { files: [new File(["GIF89a"], "cover.gif", { type: "image/gif" })] } });
    expect(within(dialog).getByText("Choose a JPEG, PNG or WebP image")).toBeTruthy();
    fireEvent.change(cover, { target: { files: [png()] } });
    expect(within(dialog).queryByText("Choose a JPEG, PNG or WebP image")).toBeNull();
    expect(within(dialog).getByAltText("The cover")).toBeTruthy();

    fireEvent.click(within(dialog).getByRole("button", { name: "Save draft" }));
    expect(await within(dialog).findByText("Must be after the start")).toBeTruthy();
    expect(within(dialog).getByLabelText("Ends").getAttribute("aria-invalid")).toBe("true");
    expect(within(dialog).getByLabelText("Starts").getAttribute("aria-invalid")).toBe("false");
    expect(within(dialog).getByRole("alert").textContent).toBe("Check the highlighted fields.");

    typeIn(dialog, "Ends", `${day}T23:00`);
    fireEvent.click(within(dialog).getByRole("button", { name: "Save draft" }));
    await screen.findByRole("heading", { name: "Wine evening" });
    expect(await screen.findByText("Nobody has registered yet.")).toBeTruthy();
    const id = window.location.hash.replace("#/events/", "");
    const stored = (await (await asOwner(`/api/v1/events/${id}`)).json()) as {
      status: string;
      startsAt: string;
      endsAt: string;
      capacity: number;
      hasCover: boolean;
    };
    // 19:00 in Moscow is 16:00 UTC, whatever zone the test machine is in.
    expect(stored).toMatchObject({
      status: "draft",
      startsAt: `${day}T16:00:00.000Z`,
      endsAt: `${day}T20:00:00.000Z`,
      capacity: 20,
      hasCover: true,
      // the business's only restaurant, chosen for it
      restaurantId: world.restaurantId,
    });
    expect(screen.getByText("Draft")).toBeTruthy();
    // A draft's cover is not public: the page fetches it with the session and shows it from memory.
    const image = (await screen.findByAltText("Cover of “Wine evening”")) as HTMLImageElement;
    expect(image.src).toMatch(/^blob:/);
    expect(browser.calls).toContain(`GET /api/v1/events/${id}/cover/preview`);
    expect((await test.app.request(`/api/v1/events/${id}/cover?tenant=${world.slug}`)).status).toBe(404);
  });
});

describe("running an event", () => {
  it("publishes after a confirmation, lists the guests and the waitlist, and checks a guest in with the bonus", async () => {
    // Two hours from now, within the check-in window (it opens 12 hours before the start).
    const startsAt = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 2 * 3_600_000).toISOString();
    const id = await draftEvent({
      startsAt,
      endsAt: new Date(Date.parse(startsAt) + 3 * 3_600_000).toISOString(),
      title: "Chef's dinner",
      restaurantId: world.restaurantId,
      capacity: 1,
      pricePoints: 100,
      attendanceBonusPoints: 50,
    });
    const anna = await guestWithPoints("Anna", 500);
    const boris = await guestWithPoints("Boris", 500);
    await open(`#/events/${id}`);
    await screen.findByRole("heading", { name: "Chef's dinner" });
    fireEvent.click(screen.getByRole("button", { name: "Publish" }));
    const confirm = screen.getByRole("dialog", { name: "Publish" });
    expect(confirm.textContent).toContain("Guests see it in the bot and the Mini App");
    fireEvent.click(within(confirm).getByRole("button", { name: "Publish" }));
    expect(await screen.findByText("Published: guests can register now")).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole("button", { name: "Publish" })).toBeNull());
    cleanup();

    await register(id, anna.id);
    await register(id, boris.id);
    await open("#/events");
    const list = await screen.findByRole("table", { name: "Events" });
    const row = within(list).getByText("Chef's dinner").closest("tr") as HTMLElement;
    expect(row.textContent).toContain(isoToZonedInput(startsAt, "Europe/Moscow").slice(11, 16));
    expect(await within(row).findByText("Main hall")).toBeTruthy();
    expect(row.textContent).toContain("1 of 1");
    expect(within(row).getByText("Published")).toBeTruthy();
    fireEvent.click(within(row).getByText("Chef's dinner"));

    const guests = await screen.findByRole("table", { name: "Guests" });
    const annaRow = within(guests).getByText("Anna").closest("tr") as HTMLElement;
    const borisRow = within(guests).getByText("Boris").closest("tr") as HTMLElement;
    expect(annaRow.textContent).toContain("Registered");
    expect(annaRow.textContent).toContain("100 points");
    expect(borisRow.textContent).toContain("Waitlist #1");
    expect(within(borisRow).queryByRole("button", { name: "Check in" })).toBeNull();

    // At the door: a code nobody has, then the waitlisted guest's phone.
    const door = screen.getByLabelText("Guest's 6-digit code, phone or name");
    fireEvent.change(door, { target: { value: "000000" } });
    fireEvent.click(within(door.closest("form") as HTMLElement).getByRole("button", { name: "Check in" }));
    expect((await screen.findByRole("alert")).textContent).toContain("No guest has this code now");
    fireEvent.change(door, { target: { value: boris.phone } });
    fireEvent.click(within(door.closest("form") as HTMLElement).getByRole("button", { name: "Check in" }));
    expect(await screen.findByText("This guest is only on the waitlist and has no place.")).toBeTruthy();
    // Typing filters the list too: Boris's phone left only his row.
    expect(within(screen.getByRole("table", { name: "Guests" })).queryByText("Anna")).toBeNull();
    fireEvent.change(door, { target: { value: "" } });

    const annaAgain = within(screen.getByRole("table", { name: "Guests" }))
      .getByText("Anna")
      .closest("tr");
    fireEvent.click(within(annaAgain as HTMLElement).getByRole("button", { name: "Check in" }));
    const ask = screen.getByRole("dialog", { name: "Check in" });
    expect(ask.textContent).toContain("Check Anna in? 50 points for attending will be credited.");
    fireEvent.click(within(ask).getByRole("button", { name: "Check in" }));
    // 500 - 100 paid + 50 for attending
    expect((await screen.findByTestId("check-in-result")).textContent).toBe(
      "Anna is checked in. +50 points credited; balance 450.",
    );
    await waitFor(() => {
      const again = within(screen.getByRole("table", { name: "Guests" }))
        .getByText("Anna")
        .closest("tr");
      expect(again?.textContent).toContain("Attended");
    });
    expect(await balanceOf(anna.id)).toBe(450);
    // The event has taken place: it can be finished, no longer cancelled.
    await waitFor(() => expect(screen.queryByRole("button", { name: "Cancel the event" })).toBeNull());
    expect(screen.getByRole("button", { name: "Finish" })).toBeTruthy();
  });

  it("says at the door when the attendance bonus is not credited because the plan is restricted", async () => {
    const shared = world;
    world = await buildWorld(test);
    try {
      // a trial (500 guests) that ran out unpaid, and a guest who joined beyond it
      await test.db.withTenant(world.tenantId, async (tx) => {
        for (let n = 0; n < 5; n++) {
          await tx.guest.createMany({
            data: Array.from({ length: 100 }, (_, i) => ({
              tenantId: world.tenantId,
              id: `0190${String(n).padStart(4, "0")}-0000-7000-8000-${String(i).padStart(12, "0")}`,
            })),
          });
        }
        await tx.subscription.create({
          data: {
            tenantId: world.tenantId,
            planId: "trial",
            status: "restricted",
            currentPeriodStart: new Date(Date.now() - 30 * 86_400_000),
            currentPeriodEnd: new Date(Date.now() - 16 * 86_400_000),
          },
        });
      });
      const card = await test.app.request("/api/v1/me/card", {
        headers: {
          Authorization: `tma ${world.initData({ id: 7_990_001, first_name: "Vera" })}`,
          "X-Tenant": world.slug,
        },
      });
      const vera = ((await card.json()) as { guest: { id: string } }).guest.id;
      await test.db.withTenant(world.tenantId, (tx) =>
        tx.guest.update({
          where: { tenantId_id: { tenantId: world.tenantId, id: vera } },
          data: { firstName: "Vera", phone: "+79990002299", registeredAt: new Date() },
        }),
      );
      // Within the check-in window (it opens 12 hours before the start).
      const startsAt = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 2 * 3_600_000).toISOString();
      const endsAt = new Date(Date.parse(startsAt) + 3 * 3_600_000).toISOString();
      const id = await draftEvent({ title: "Tasting", capacity: 10, attendanceBonusPoints: 50, startsAt, endsAt });
      expect((await asOwner(`/api/v1/events/${id}/publish`, { method: "POST" })).status).toBe(200);
      await register(id, vera);
      await open(`#/events/${id}`);
      await screen.findByRole("table", { name: "Guests" });
      const door = screen.getByLabelText("Guest's 6-digit code, phone or name");
      fireEvent.change(door, { target: { value: "+79990002299" } });
      fireEvent.click(within(door.closest("form") as HTMLElement).getByRole("button", { name: "Check in" }));
      expect((await screen.findByTestId("check-in-result")).textContent).toBe(
        "Vera is checked in. The 50 points for attending were not credited: the guest joined beyond your plan's guest limit and the plan is unpaid or ended. Pay or upgrade on the Billing page.",
      );
      expect(await balanceOf(vera)).toBe(0);
    } finally {
      world = shared;
    }
  });

  it("cancels only with a reason, saying who is told and what is returned", async () => {
    const id = await draftEvent({ title: "Jazz night", capacity: 1, pricePoints: 120 });
    expect((await asOwner(`/api/v1/events/${id}/publish`, { method: "POST" })).status).toBe(200);
    const vera = await guestWithPoints("Vera", 300);
    const gleb = await guestWithPoints("Gleb", 300);
    await register(id, vera.id);
    await register(id, gleb.id);
    expect(await balanceOf(vera.id)).toBe(180);

    await open(`#/events/${id}`);
    await screen.findByRole("table", { name: "Guests" });
    fireEvent.click(screen.getByRole("button", { name: "Cancel the event" }));
    const dialog = screen.getByRole("dialog", { name: "Cancel “Jazz night”" });
    expect(within(dialog).getByTestId("cancel-consequences").textContent).toBe(
      "1 registered guest and 1 on the waitlist will get a message with your reason; 120 points they paid go back to them.",
    );
    fireEvent.click(within(dialog).getByRole("button", { name: "Cancel the event" }));
    expect(within(dialog).getByText("Write the reason guests will read")).toBeTruthy();
    typeIn(dialog, "Reason", "The band is stuck in snow");
    fireEvent.click(within(dialog).getByRole("button", { name: "Cancel the event" }));
    expect(await screen.findByText("Cancelled. Reason: The band is stuck in snow")).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(screen.queryByRole("button", { name: "Edit" })).toBeNull();
    // Both guests' places are cancelled now; the list keeps them out of sight until asked.
    fireEvent.click(await screen.findByRole("button", { name: "Show cancelled (2)" }));
    expect(within(screen.getByRole("table", { name: "Guests" })).getAllByText("Cancelled")).toHaveLength(2);
    expect(await balanceOf(vera.id)).toBe(300);
    const told = await test.db.withTenant(world.tenantId, (tx) =>
      tx.outboxEvent.findMany({ where: { type: "event.cancelled_by_restaurant" } }),
    );
    expect(told.map((one) => (one.payload as { guestId: string }).guestId).sort()).toEqual([vera.id, gleb.id].sort());
  });
});

describe("in Russian", () => {
  it("names the page, the filters and the time zone in Russian", async () => {
    localeStore.getState().setLocale("ru");
    await open("#/events");
    expect(await screen.findByRole("heading", { name: "События" })).toBeTruthy();
    expect(screen.getByText("Предстоящие")).toBeTruthy();
    expect(screen.getByText("Время: Europe/Moscow, UTC+03:00")).toBeTruthy();
    expect(await screen.findByRole("table", { name: "События" })).toBeTruthy();
  });
});

describe("what a cashier sees", () => {
  it("no events in the nav, and an event's page sends them to their start page", async () => {
    const id = await draftEvent({ title: "Tasting", capacity: 5 });
    await open(`#/events/${id}`, "cashier");
    const nav = await screen.findByRole("navigation");
    expect(within(nav).queryByRole("link", { name: "Events" })).toBeNull();
    await screen.findByRole("table", { name: "Restaurants" });
    expect(window.location.hash).toBe("#/restaurants");
    expect(screen.queryByText("Tasting")).toBeNull();
  });
});
