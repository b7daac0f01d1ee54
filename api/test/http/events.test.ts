// Restaurant events end to end over HTTP: staff create and publish, guests register from the Mini
// App (paying in points, or joining the waitlist), places are never oversold, cancellations give
// back exactly the lots spent and move the waitlist up, check-in credits the bonus once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngineDeps } from "../../src/core/context.ts";
import { sendEventReminders } from "../../src/core/events/send-reminders.ts";
import { createTestApp, type TestApp } from "../support.ts";
import { buildWorld, json, key, type World } from "./world.ts";

let test: TestApp;
let world: World;
let other: World;
const clock = { now: new Date("2026-12-01T09:00:00Z") };
const hours = (n: number) => new Date(clock.now.getTime() + n * 3_600_000).toISOString();

beforeAll(async () => {
  test = await createTestApp({ clock: () => clock.now, env: { RATE_LIMIT_PER_MINUTE: "100000" } });
  world = await buildWorld(test, () => clock.now);
  other = await buildWorld(test, () => clock.now);
});
afterAll(() => test.close());

let userSerial = 7_700_000;
const staff = async (w: World, role: "owner" | "manager" | "cashier", path: string, init: RequestInit = {}) =>
  test.app.request(path, {
    ...init,
    headers: { Authorization: `Bearer ${await w.tokenFor(role)}`, "Content-Type": "application/json", ...init.headers },
  });

interface Guest {
  id: string;
  user: { id: number; first_name: string; language_code: string };
  world: World;
}
async function newGuest(w: World = world, name = "Анна"): Promise<Guest> {
  userSerial += 1;
  const user = { id: userSerial, first_name: name, language_code: "ru" };
  const initData = w.initData(user);
  const card = (await (
    await test.app.request("/api/v1/me/card", { headers: { Authorization: `tma ${initData}`, "X-Tenant": w.slug } })
  ).json()) as { guest: { id: string } };
  return { id: card.guest.id, user, world: w };
}
const asGuest = (g: Guest, path: string, method = "GET", w: World = world) =>
  test.app.request(path, {
    method,
    // Signed now, at the test's clock: launch data older than a day is refused.
    headers: {
      Authorization: `tma ${g.world.initData(g.user)}`,
      "X-Tenant": w.slug,
      ...(method === "POST" ? key() : {}),
    },
  });

async function givePoints(guestId: string, points: number) {
  const response = await staff(world, "manager", `/api/v1/guests/${guestId}/adjustments`, {
    ...json({ points, reason: "test" }, key()),
  });
  expect(response.status).toBe(201);
}

async function publishedEvent(fields: Record<string, unknown> = {}, w: World = world): Promise<string> {
  const created = await staff(w, "manager", "/api/v1/events", {
    ...json({ title: "Wine evening", startsAt: hours(48), endsAt: hours(51), capacity: 10, ...fields }),
  });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };
  expect((await staff(w, "manager", `/api/v1/events/${id}/publish`, { method: "POST" })).status).toBe(200);
  return id;
}

const lotsOf = (guestId: string) =>
  test.db.withTenant(world.tenantId, (tx) =>
    tx.pointLot.findMany({
      where: { guestId },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { id: true, remainingPoints: true },
    }),
  );
const outbox = (type: string) =>
  test.db.withTenant(world.tenantId, (tx) => tx.outboxEvent.findMany({ where: { type }, orderBy: { id: "asc" } }));

describe("staff manage events", () => {
  it("creates a draft, refuses inconsistent fields with field errors, publishes, and audits each step", async () => {
    const bad = await staff(world, "manager", "/api/v1/events", {
      ...json({
        title: "Chef's dinner",
        startsAt: "2026-12-05T19:00:00+03:00",
        endsAt: "2026-12-05T18:00:00+03:00",
        registrationDeadline: "2026-12-06T10:00:00+03:00",
        capacity: 5,
        minLevelId: "00000000-0000-7000-8000-000000000000",
      }),
    });
    expect(bad.status).toBe(422);
    const problem = (await bad.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((error) => error.path).sort()).toEqual(["endsAt", "minLevelId", "registrationDeadline"]);

    const created = await staff(world, "manager", "/api/v1/events", {
      ...json({
        title: "Chef's dinner",
        startsAt: "2026-12-05T19:00:00+03:00",
        endsAt: "2026-12-05T22:00:00+03:00",
        capacity: 5,
      }),
    });
    expect(created.status).toBe(201);
    const event = (await created.json()) as { id: string; status: string; startsAt: string };
    expect(event).toMatchObject({ status: "draft", startsAt: "2026-12-05T16:00:00.000Z" });
    expect((await staff(world, "cashier", "/api/v1/events", { ...json({ title: "x" }) })).status).toBe(403);

    const published = await staff(world, "manager", `/api/v1/events/${event.id}/publish`, { method: "POST" });
    expect(((await published.json()) as { status: string }).status).toBe("published");
    const listed = (await (await staff(world, "cashier", "/api/v1/events")).json()) as { events: { id: string }[] };
    expect(listed.events.map((one) => one.id)).toContain(event.id);

    const audit = await test.db.withTenant(world.tenantId, (tx) =>
      tx.auditLogEntry.findMany({ where: { entityType: "event", entityId: event.id }, orderBy: { id: "asc" } }),
    );
    expect(audit.map((row) => row.action)).toEqual(["event.created", "event.published"]);
  });

  it("refuses to move a published event's start into the past (422 on startsAt), and changes nothing", async () => {
    const startsAt = hours(3);
    const id = await publishedEvent({ startsAt, endsAt: hours(6) });
    const patch = (body: Record<string, unknown>) =>
      staff(world, "manager", `/api/v1/events/${id}`, { method: "PATCH", body: JSON.stringify(body) });
    const refused = await patch({ startsAt: hours(-1), endsAt: hours(2) });
    expect(refused.status).toBe(422);
    const problem = (await refused.json()) as { errors: { path: string; message: string }[] };
    expect(problem.errors).toEqual([{ path: "startsAt", message: "must be in the future for a published event" }]);
    const detail = (await (await staff(world, "manager", `/api/v1/events/${id}`)).json()) as { startsAt: string };
    expect(detail.startsAt).toBe(startsAt);
    // Once it has begun, other fields may still change (the start is sent unchanged, as a form might).
    const start = clock.now;
    clock.now = new Date(start.getTime() + 4 * 3_600_000);
    try {
      expect((await patch({ title: "Wine evening (running late)", startsAt })).status).toBe(200);
    } finally {
      clock.now = start;
    }
  });

  it("keeps another tenant's staff and guests away from the event", async () => {
    const id = await publishedEvent();
    expect((await staff(other, "owner", `/api/v1/events/${id}`)).status).toBe(404);
    expect((await staff(other, "owner", `/api/v1/events/${id}/cancel`, { ...json({ reason: "x" }) })).status).toBe(404);
    const stranger = await newGuest(other);
    expect((await asGuest(stranger, `/api/v1/me/events/${id}/registration`, "POST", other)).status).toBe(404);
  });

  it("stores a cover and serves it publicly with caching headers", async () => {
    const id = await publishedEvent();
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const wrong = await staff(world, "manager", `/api/v1/events/${id}/cover`, {
      method: "PUT",
      body: png,
      headers: { "Content-Type": "image/jpeg" },
    });
    expect(wrong.status).toBe(422);
    const put = await staff(world, "manager", `/api/v1/events/${id}/cover`, {
      method: "PUT",
      body: png,
      headers: { "Content-Type": "image/png" },
    });
    expect(put.status).toBe(200);
    const got = await test.app.request(`/api/v1/events/${id}/cover?tenant=${world.slug}`);
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("image/png");
    expect(got.headers.get("cache-control")).toContain("public");
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(png);
    const etag = got.headers.get("etag") ?? "";
    expect(
      (
        await test.app.request(`/api/v1/events/${id}/cover?tenant=${world.slug}`, {
          headers: { "If-None-Match": etag },
        })
      ).status,
    ).toBe(304);
    expect((await test.app.request(`/api/v1/events/${id}/cover?tenant=${other.slug}`)).status).toBe(404);
  });

  it("keeps a draft's cover from the public address, shows it to staff, and serves it once published", async () => {
    const created = await staff(world, "manager", "/api/v1/events", {
      ...json({ title: "Secret menu", startsAt: hours(48), endsAt: hours(51), capacity: 10 }),
    });
    const { id } = (await created.json()) as { id: string };
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 4, 5, 6]);
    const put = await staff(world, "manager", `/api/v1/events/${id}/cover`, {
      method: "PUT",
      body: png,
      headers: { "Content-Type": "image/png" },
    });
    expect(put.status).toBe(200);
    const publicCover = () => test.app.request(`/api/v1/events/${id}/cover?tenant=${world.slug}`);
    const hidden = await publicCover();
    expect(hidden.status).toBe(404);
    expect(await hidden.json()).toMatchObject({ detail: "This event has no cover." });

    // Staff, signed in, see it (a cashier too: events.read), never cached by a shared cache.
    const preview = await staff(world, "cashier", `/api/v1/events/${id}/cover/preview`);
    expect(preview.status).toBe(200);
    expect(preview.headers.get("content-type")).toBe("image/png");
    expect(preview.headers.get("cache-control")).toBe("private, no-cache");
    expect(new Uint8Array(await preview.arrayBuffer())).toEqual(png);
    const etag = preview.headers.get("etag") ?? "";
    const again = await staff(world, "cashier", `/api/v1/events/${id}/cover/preview`, {
      headers: { "If-None-Match": etag },
    });
    expect(again.status).toBe(304);
    expect((await test.app.request(`/api/v1/events/${id}/cover/preview`)).status).toBe(401);
    expect((await staff(other, "owner", `/api/v1/events/${id}/cover/preview`)).status).toBe(404);

    expect((await staff(world, "manager", `/api/v1/events/${id}/publish`, { method: "POST" })).status).toBe(200);
    expect((await publicCover()).status).toBe(200);
    const cancelled = await staff(world, "manager", `/api/v1/events/${id}/cancel`, { ...json({ reason: "Rain" }) });
    expect(cancelled.status).toBe(200);
    // A cancelled event's page still tells its guests why it is gone, with its cover.
    expect((await publicCover()).status).toBe(200);
  });

  it("refuses a cover over 2 MB with 413, and keeps the one stored", async () => {
    const id = await publishedEvent();
    const png = (size: number) => {
      const bytes = new Uint8Array(size);
      bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      return bytes;
    };
    const upload = (bytes: Uint8Array) =>
      staff(world, "manager", `/api/v1/events/${id}/cover`, {
        method: "PUT",
        body: bytes,
        headers: { "Content-Type": "image/png", "Content-Length": String(bytes.length) },
      });
    expect((await upload(png(2 * 1024 * 1024))).status).toBe(200);
    const tooBig = await upload(png(2 * 1024 * 1024 + 1));
    expect(tooBig.status).toBe(413);
    expect(tooBig.headers.get("content-type")).toContain("application/problem+json");
    expect(await tooBig.json()).toMatchObject({ code: "PAYLOAD_TOO_LARGE", detail: "A cover may be at most 2 MB." });
    const kept = await test.app.request(`/api/v1/events/${id}/cover?tenant=${world.slug}`);
    expect((await kept.arrayBuffer()).byteLength).toBe(2 * 1024 * 1024);
  });
});

describe("guests register", () => {
  it("never oversells: 50 guests at once for 10 places gives 10 registered and 40 waitlisted", async () => {
    const id = await publishedEvent({ capacity: 10 });
    const guests = await Promise.all(Array.from({ length: 50 }, () => newGuest()));
    const answers = await Promise.all(guests.map((g) => asGuest(g, `/api/v1/me/events/${id}/registration`, "POST")));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    const statuses = await Promise.all(
      answers.map(async (a) => ((await a.json()) as { my: { status: string } }).my.status),
    );
    expect(statuses.filter((s) => s === "registered")).toHaveLength(10);
    expect(statuses.filter((s) => s === "waitlisted")).toHaveLength(40);
    const detail = (await (await staff(world, "manager", `/api/v1/events/${id}`)).json()) as Record<string, number>;
    expect(detail).toMatchObject({ registeredCount: 10, waitlistedCount: 40, placesLeft: 0 });

    // Cancellations promote the waitlist in the order guests joined it.
    const list = (await (await staff(world, "cashier", `/api/v1/events/${id}/registrations`)).json()) as {
      registrations: { guest: { id: string }; status: string; waitlistPosition: number | null }[];
    };
    const waiting = list.registrations.filter((r) => r.status === "waitlisted").map((r) => r.guest.id);
    const registered = list.registrations.filter((r) => r.status === "registered").map((r) => r.guest.id);
    expect(list.registrations.filter((r) => r.status === "waitlisted").map((r) => r.waitlistPosition)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    for (const guestId of registered.slice(0, 2)) {
      const leaver = guests.find((g) => g.id === guestId) as Guest;
      const left = await asGuest(leaver, `/api/v1/me/events/${id}/registration`, "DELETE");
      expect(((await left.json()) as { my: { status: string } }).my.status).toBe("cancelled");
    }
    const after = (await (await staff(world, "cashier", `/api/v1/events/${id}/registrations`)).json()) as typeof list;
    const promoted = after.registrations.filter((r) => r.status === "registered").map((r) => r.guest.id);
    expect(promoted).toHaveLength(10);
    expect(promoted).toEqual(expect.arrayContaining(waiting.slice(0, 2)));
    expect(promoted).not.toContain(waiting[2]);
    const first = guests.find((g) => g.id === waiting[2]) as Guest;
    const mine = (await (await asGuest(first, `/api/v1/me/events/${id}`)).json()) as {
      my: { waitlistPosition: number };
    };
    expect(mine.my.waitlistPosition).toBe(1);
    expect((await outbox("event.promoted")).map((e) => (e.payload as { guestId: string }).guestId)).toEqual(
      expect.arrayContaining(waiting.slice(0, 2)),
    );
  }, 60_000);

  it("never oversells a paid event: 50 guests paying at once for 10 places, exactly 10 pay and 40 wait unpaid", async () => {
    const id = await publishedEvent({ capacity: 10, pricePoints: 100 });
    const guests = await Promise.all(Array.from({ length: 50 }, () => newGuest()));
    for (const g of guests) await givePoints(g.id, 150);
    const answers = await Promise.all(guests.map((g) => asGuest(g, `/api/v1/me/events/${id}/registration`, "POST")));
    expect(answers.map((answer) => answer.status)).toEqual(guests.map(() => 200));
    const statuses = await Promise.all(
      answers.map(async (a) => ((await a.json()) as { my: { status: string } }).my.status),
    );
    expect(statuses.filter((status) => status === "registered")).toHaveLength(10);
    expect(statuses.filter((status) => status === "waitlisted")).toHaveLength(40);
    const detail = (await (await staff(world, "manager", `/api/v1/events/${id}`)).json()) as Record<string, number>;
    expect(detail).toMatchObject({ registeredCount: 10, waitlistedCount: 40, placesLeft: 0 });

    const ids = guests.map((g) => g.id);
    const [stored, ledger, lots] = await test.db.withTenant(world.tenantId, async (tx) => [
      await tx.guest.findMany({ where: { id: { in: ids } }, select: { id: true, balance: true } }),
      await tx.ledgerEntry.groupBy({ by: ["guestId"], where: { guestId: { in: ids } }, _sum: { points: true } }),
      await tx.pointLot.groupBy({ by: ["guestId"], where: { guestId: { in: ids } }, _sum: { remainingPoints: true } }),
    ]);
    const byGuest = <T extends { guestId: string }>(rows: T[], value: (row: T) => number | null | undefined) =>
      new Map(rows.map((row) => [row.guestId, value(row) ?? 0]));
    const ledgerSums = byGuest(ledger, (row) => row._sum.points);
    const lotSums = byGuest(lots, (row) => row._sum.remainingPoints);
    for (const guest of stored) {
      expect(ledgerSums.get(guest.id), guest.id).toBe(guest.balance);
      expect(lotSums.get(guest.id), guest.id).toBe(guest.balance);
    }
    const balanceOf = new Map(stored.map((guest) => [guest.id, guest.balance]));
    guests.forEach((g, index) => {
      expect(balanceOf.get(g.id), g.id).toBe(statuses[index] === "registered" ? 50 : 150);
    });
    const list = (await (await staff(world, "manager", `/api/v1/events/${id}/registrations`)).json()) as {
      registrations: { status: string; paidPoints: number }[];
    };
    expect(list.registrations.filter((r) => r.paidPoints === 100)).toHaveLength(10);
    expect(list.registrations.filter((r) => r.status === "waitlisted").every((r) => r.paidPoints === 0)).toBe(true);
  }, 60_000);

  it("enforces the minimum level and the deadline, with messages that say why", async () => {
    const levels = await test.db.withTenant(world.tenantId, (tx) => tx.level.findMany({ orderBy: { rank: "asc" } }));
    const silver = levels[1]?.id;
    const id = await publishedEvent({ minLevelId: silver });
    const bronze = await newGuest();
    const refused = await asGuest(bronze, `/api/v1/me/events/${id}/registration`, "POST");
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { detail: string }).detail).toBe(
      "This event is for guests of level Silver and above.",
    );

    const late = await publishedEvent({ registrationDeadline: hours(1) });
    clock.now = new Date(clock.now.getTime() + 2 * 3_600_000);
    try {
      const closed = await asGuest(bronze, `/api/v1/me/events/${late}/registration`, "POST");
      expect(closed.status).toBe(409);
      expect(((await closed.json()) as { detail: string }).detail).toBe("Registration for this event has closed.");
    } finally {
      clock.now = new Date(clock.now.getTime() - 2 * 3_600_000);
    }
  });
});

describe("points", () => {
  it("pays oldest-expiry-first and a guest's cancellation returns exactly those lots", async () => {
    const id = await publishedEvent({ pricePoints: 300 });
    const guest = await newGuest();
    await givePoints(guest.id, 200);
    clock.now = new Date(clock.now.getTime() + 86_400_000);
    await givePoints(guest.id, 500);
    const before = await lotsOf(guest.id);
    const paid = await asGuest(guest, `/api/v1/me/events/${id}/registration`, "POST");
    expect(paid.status).toBe(200);
    const lots = await lotsOf(guest.id);
    expect(lots.map((lot) => lot.remainingPoints)).toEqual([0, 400]);
    const card = (await (await asGuest(guest, "/api/v1/me/card")).json()) as { balance: number };
    expect(card.balance).toBe(400);

    await asGuest(guest, `/api/v1/me/events/${id}/registration`, "DELETE");
    expect(await lotsOf(guest.id)).toEqual(before);
    const again = (await (await asGuest(guest, "/api/v1/me/card")).json()) as { balance: number };
    expect(again.balance).toBe(700);
  });

  it("refuses a guest who cannot pay, and skips a promoted guest who no longer can", async () => {
    const id = await publishedEvent({ pricePoints: 100, capacity: 1 });
    const poor = await newGuest();
    const refused = await asGuest(poor, `/api/v1/me/events/${id}/registration`, "POST");
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { detail: string }).detail).toBe("This event costs 100 points; the guest has 0.");

    const [holder, broke, next] = [await newGuest(), await newGuest(), await newGuest()];
    await givePoints(holder.id, 100);
    await givePoints(next.id, 100);
    await asGuest(holder, `/api/v1/me/events/${id}/registration`, "POST");
    await asGuest(broke, `/api/v1/me/events/${id}/registration`, "POST");
    await asGuest(next, `/api/v1/me/events/${id}/registration`, "POST");
    await asGuest(holder, `/api/v1/me/events/${id}/registration`, "DELETE");
    const brokeNow = (await (await asGuest(broke, `/api/v1/me/events/${id}`)).json()) as { my: { status: string } };
    const nextNow = (await (await asGuest(next, `/api/v1/me/events/${id}`)).json()) as { my: { status: string } };
    expect(brokeNow.my.status).toBe("cancelled");
    expect(nextNow.my.status).toBe("registered");
    expect((await outbox("event.waitlist_dropped")).map((e) => (e.payload as { guestId: string }).guestId)).toContain(
      broke.id,
    );
  });

  it("a cancellation by the restaurant returns every guest's points and tells everyone, once", async () => {
    const id = await publishedEvent({ pricePoints: 150, capacity: 1 });
    const [paying, waiting] = [await newGuest(), await newGuest()];
    await givePoints(paying.id, 400);
    const before = await lotsOf(paying.id);
    await asGuest(paying, `/api/v1/me/events/${id}/registration`, "POST");
    await asGuest(waiting, `/api/v1/me/events/${id}/registration`, "POST");
    const cancel = () =>
      staff(world, "manager", `/api/v1/events/${id}/cancel`, { ...json({ reason: "The chef is ill" }) });
    const cancelled = await cancel();
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({
      status: "cancelled",
      registeredCount: 0,
      cancelReason: "The chef is ill",
    });
    expect((await cancel()).status).toBe(200);
    expect(await lotsOf(paying.id)).toEqual(before);
    const told = (await outbox("event.cancelled_by_restaurant")).filter(
      (e) => (e.payload as { eventId: string }).eventId === id,
    );
    expect(told.map((e) => (e.payload as { guestId: string }).guestId).sort()).toEqual([paying.id, waiting.id].sort());
    expect(told.find((e) => (e.payload as { guestId: string }).guestId === paying.id)?.payload).toMatchObject({
      returnedPoints: 150,
      reason: "The chef is ill",
    });
  });
});

describe("changing an event moves the waitlist up on the event as it is now", () => {
  const patch = (id: string, body: Record<string, unknown>) =>
    staff(world, "manager", `/api/v1/events/${id}`, { method: "PATCH", body: JSON.stringify(body) });
  const standing = async (g: Guest, id: string) =>
    ((await (await asGuest(g, `/api/v1/me/events/${id}`)).json()) as { my: { status: string } }).my.status;
  const balance = async (g: Guest) =>
    ((await (await asGuest(g, "/api/v1/me/card")).json()) as { balance: number }).balance;
  const told = async (type: string, id: string, g: Guest) =>
    (await outbox(type))
      .map((e) => e.payload as Record<string, unknown>)
      .filter((payload) => payload.eventId === id && payload.guestId === g.id);

  it("a larger capacity with a new price and start promotes at the new price, and says the new time", async () => {
    const id = await publishedEvent({ capacity: 1, pricePoints: 100 });
    const [holder, waiter] = [await newGuest(), await newGuest()];
    await givePoints(holder.id, 100);
    await givePoints(waiter.id, 300);
    await asGuest(holder, `/api/v1/me/events/${id}/registration`, "POST");
    await asGuest(waiter, `/api/v1/me/events/${id}/registration`, "POST");
    expect(await standing(waiter, id)).toBe("waitlisted");

    const changed = await patch(id, {
      capacity: 2,
      pricePoints: 200,
      title: "Wine evening, moved",
      startsAt: hours(50),
      endsAt: hours(53),
    });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ registeredCount: 2, waitlistedCount: 0, pricePoints: 200 });
    expect(await standing(waiter, id)).toBe("registered");
    expect(await balance(waiter)).toBe(100);
    expect(await told("event.promoted", id, waiter)).toEqual([
      expect.objectContaining({ pricePoints: 200, balance: 100, title: "Wine evening, moved", startsAt: hours(50) }),
    ]);
    const list = (await (await staff(world, "manager", `/api/v1/events/${id}/registrations`)).json()) as {
      registrations: { guest: { id: string }; paidPoints: number }[];
    };
    expect(list.registrations.find((r) => r.guest.id === waiter.id)?.paidPoints).toBe(200);
  });

  it("a raised level rule drops a waitlisted guest now below it (told why) and promotes the next one", async () => {
    const levels = await test.db.withTenant(world.tenantId, (tx) => tx.level.findMany({ orderBy: { rank: "asc" } }));
    const silver = levels[1]?.id;
    const id = await publishedEvent({ capacity: 1 });
    const [holder, bronze, member] = [await newGuest(), await newGuest(), await newGuest()];
    const vip = await staff(world, "owner", `/api/v1/guests/${member.id}/manual-level`, {
      method: "PUT",
      body: JSON.stringify({ levelId: silver, until: hours(24 * 90), reason: "regular guest" }),
    });
    expect(vip.status).toBe(200);
    for (const g of [holder, bronze, member]) await asGuest(g, `/api/v1/me/events/${id}/registration`, "POST");

    expect((await patch(id, { capacity: 2, minLevelId: silver })).status).toBe(200);
    expect(await standing(bronze, id)).toBe("cancelled");
    expect(await standing(member, id)).toBe("registered");
    expect(await told("event.waitlist_dropped", id, bronze)).toEqual([
      expect.objectContaining({ reason: "level", minLevel: "Silver" }),
    ]);
    expect(await told("event.promoted", id, bronze)).toEqual([]);
  });

  it("a lowered level rule promotes a waitlisted guest the old rule would have kept out", async () => {
    const levels = await test.db.withTenant(world.tenantId, (tx) => tx.level.findMany({ orderBy: { rank: "asc" } }));
    const silver = levels[1]?.id;
    const id = await publishedEvent({ capacity: 1 });
    const [holder, bronze] = [await newGuest(), await newGuest()];
    await asGuest(holder, `/api/v1/me/events/${id}/registration`, "POST");
    await asGuest(bronze, `/api/v1/me/events/${id}/registration`, "POST");
    // The rule goes up (nobody is promoted: no place frees up), then down again with a new place.
    expect((await patch(id, { minLevelId: silver })).status).toBe(200);
    expect(await standing(bronze, id)).toBe("waitlisted");
    expect((await patch(id, { capacity: 2, minLevelId: null })).status).toBe(200);
    expect(await standing(bronze, id)).toBe("registered");
    expect(await told("event.waitlist_dropped", id, bronze)).toEqual([]);
  });

  it("a cancellation promotes only a guest who still meets the level rule", async () => {
    const levels = await test.db.withTenant(world.tenantId, (tx) => tx.level.findMany({ orderBy: { rank: "asc" } }));
    const silver = levels[1]?.id;
    const id = await publishedEvent({ capacity: 1 });
    const [holder, bronze] = [await newGuest(), await newGuest()];
    await asGuest(holder, `/api/v1/me/events/${id}/registration`, "POST");
    await asGuest(bronze, `/api/v1/me/events/${id}/registration`, "POST");
    expect((await patch(id, { minLevelId: silver })).status).toBe(200);
    await asGuest(holder, `/api/v1/me/events/${id}/registration`, "DELETE");
    expect(await standing(bronze, id)).toBe("cancelled");
    expect(await told("event.waitlist_dropped", id, bronze)).toEqual([
      expect.objectContaining({ reason: "level", minLevel: "Silver" }),
    ]);
  });
});

describe("check-in", () => {
  it("marks a registered guest attended and credits the bonus once; an unregistered guest is refused", async () => {
    const id = await publishedEvent({ startsAt: hours(2), endsAt: hours(5), attendanceBonusPoints: 50 });
    const guest = await newGuest(world, "Анна");
    await asGuest(guest, `/api/v1/me/events/${id}/registration`, "POST");
    const checkIn = (body: unknown) => staff(world, "cashier", `/api/v1/events/${id}/check-in`, { ...json(body) });
    const first = await checkIn({ guestId: guest.id });
    expect(first.status).toBe(200);
    const result = await first.json();
    expect(result).toMatchObject({ guest: { id: guest.id, name: "Анна" }, bonusPoints: 50, balance: 50 });
    const second = await checkIn({ guestId: guest.id });
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(await second.json()).toEqual(result);
    const card = (await (await asGuest(guest, "/api/v1/me/card")).json()) as { balance: number };
    expect(card.balance).toBe(50);
    // One audit row for the check-in, not one per repeat, saying who, from where and the bonus.
    const audit = await test.db.withTenant(world.tenantId, (tx) =>
      tx.auditLogEntry.findMany({ where: { tenantId: world.tenantId, action: "event.checked_in", entityId: id } }),
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorStaffId: world.staff.cashier.id,
      changes: { guestId: guest.id, channel: "web", bonusPoints: 50, bonusWithheld: 0 },
    });

    const stranger = await newGuest();
    const refused = await checkIn({ guestId: stranger.id });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { detail: string }).detail).toBe("Анна is not registered for this event.");
    const detail = (await (await staff(world, "cashier", `/api/v1/events/${id}`)).json()) as { checkedInCount: number };
    expect(detail.checkedInCount).toBe(1);
  });

  it("a repeated check-in after staff changed the bonus answers 'already checked in' with the bonus first given", async () => {
    const id = await publishedEvent({ startsAt: hours(2), endsAt: hours(5), attendanceBonusPoints: 50 });
    const guest = await newGuest(world, "Ива");
    await asGuest(guest, `/api/v1/me/events/${id}/registration`, "POST");
    const checkIn = () => staff(world, "cashier", `/api/v1/events/${id}/check-in`, { ...json({ guestId: guest.id }) });
    const first = await checkIn();
    expect(first.status).toBe(200);
    const result = await first.json();
    expect(result).toMatchObject({ bonusPoints: 50, balance: 50 });

    const patched = await staff(world, "manager", `/api/v1/events/${id}`, {
      method: "PATCH",
      body: JSON.stringify({ attendanceBonusPoints: 80 }),
    });
    expect(patched.status).toBe(200);
    const again = await checkIn();
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(result);
    const card = (await (await asGuest(guest, "/api/v1/me/card")).json()) as { balance: number };
    expect(card.balance).toBe(50);
  });

  it("a guest checked in can no longer cancel: 409 with a message key, and nothing changes", async () => {
    const id = await publishedEvent({ startsAt: hours(3), endsAt: hours(6), pricePoints: 100 });
    const guest = await newGuest(world, "Лев");
    await givePoints(guest.id, 100);
    expect((await asGuest(guest, `/api/v1/me/events/${id}/registration`, "POST")).status).toBe(200);
    const checkIn = await staff(world, "cashier", `/api/v1/events/${id}/check-in`, { ...json({ guestId: guest.id }) });
    expect(checkIn.status).toBe(200);

    const refused = await asGuest(guest, `/api/v1/me/events/${id}/registration`, "DELETE");
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({
      messageKey: "error-registration-checked-in",
      detail: "You have been checked in at this event; the registration can no longer be cancelled.",
    });
    const mine = (await (await asGuest(guest, `/api/v1/me/events/${id}`)).json()) as {
      my: { status: string; checkedIn: boolean };
    };
    expect(mine.my).toMatchObject({ status: "registered", checkedIn: true });
    const card = (await (await asGuest(guest, "/api/v1/me/card")).json()) as { balance: number };
    expect(card.balance).toBe(0);
    const detail = (await (await staff(world, "manager", `/api/v1/events/${id}`)).json()) as Record<string, number>;
    expect(detail).toMatchObject({ registeredCount: 1, checkedInCount: 1 });
  });
});

describe("the check-in window", () => {
  it("opens 12 hours before the start and closes 24 hours after the end, with a clear 409 outside", async () => {
    // Starts at 09:00 + 30 h, ends three hours later.
    const id = await publishedEvent({ startsAt: hours(30), endsAt: hours(33) });
    const [early, onTime, late] = [await newGuest(), await newGuest(), await newGuest()];
    for (const g of [early, onTime, late]) await asGuest(g, `/api/v1/me/events/${id}/registration`, "POST");
    const checkIn = (g: Guest) =>
      staff(world, "cashier", `/api/v1/events/${id}/check-in`, { ...json({ guestId: g.id }) });
    const start = clock.now;
    try {
      clock.now = new Date(start.getTime() + 17.5 * 3_600_000); // 12.5 h before the start
      const tooEarly = await checkIn(early);
      expect(tooEarly.status).toBe(409);
      expect(await tooEarly.json()).toMatchObject({
        messageKey: "error-checkin-not-open",
        detail: "Check-in for this event opens 12 hours before it starts.",
      });
      clock.now = new Date(start.getTime() + 18.5 * 3_600_000); // 11.5 h before
      expect((await checkIn(early)).status).toBe(200);
      clock.now = new Date(start.getTime() + 56.5 * 3_600_000); // 23.5 h after the end, and finished by now
      await sendEventReminders(
        createEngineDeps({ db: test.db, redis: test.redis, clock: () => clock.now }),
        world.tenantId,
      );
      expect((await checkIn(onTime)).status).toBe(200);
      clock.now = new Date(start.getTime() + 57.5 * 3_600_000); // 24.5 h after
      const tooLate = await checkIn(late);
      expect(tooLate.status).toBe(409);
      expect(await tooLate.json()).toMatchObject({
        messageKey: "error-checkin-closed",
        detail: "Check-in for this event closed 24 hours after it ended.",
      });
      // A guest checked in before still gets the first answer.
      expect((await checkIn(early)).headers.get("idempotent-replayed")).toBe("true");
    } finally {
      clock.now = start;
    }
    const list = (await (await staff(world, "manager", `/api/v1/events/${id}/registrations`)).json()) as {
      registrations: { guest: { id: string }; checkedInAt: string | null }[];
    };
    const checkedIn = list.registrations.filter((r) => r.checkedInAt !== null).map((r) => r.guest.id);
    expect(checkedIn.sort()).toEqual([early.id, onTime.id].sort());
  });
});

describe("check-in racing the restaurant's cancellation", () => {
  it("ends either cancelled with nobody checked in or held with the guest checked in, never a 5xx", async () => {
    for (let round = 0; round < 15; round++) {
      const id = await publishedEvent({ startsAt: hours(2), endsAt: hours(5), pricePoints: 10 });
      const guests = await Promise.all(Array.from({ length: 4 }, () => newGuest()));
      for (const g of guests) {
        await givePoints(g.id, 10);
        expect((await asGuest(g, `/api/v1/me/events/${id}/registration`, "POST")).status).toBe(200);
      }
      // The cancellation walks the guests in id order: the last one is where the race is widest.
      const last = [...guests].sort((a, b) => (a.id < b.id ? -1 : 1)).at(-1) as Guest;
      const [checkIn, cancel] = await Promise.all([
        staff(world, "cashier", `/api/v1/events/${id}/check-in`, { ...json({ guestId: last.id }) }),
        staff(world, "manager", `/api/v1/events/${id}/cancel`, { ...json({ reason: "Storm" }) }),
      ]);
      expect([checkIn.status, cancel.status].sort()).toEqual([200, 409]);
      const detail = (await (await staff(world, "manager", `/api/v1/events/${id}`)).json()) as {
        status: string;
        checkedInCount: number;
        registeredCount: number;
      };
      const list = (await (await staff(world, "manager", `/api/v1/events/${id}/registrations`)).json()) as {
        registrations: { status: string; checkedInAt: string | null; refunded: boolean }[];
      };
      const balances = await Promise.all(
        guests.map(async (g) => ((await (await asGuest(g, "/api/v1/me/card")).json()) as { balance: number }).balance),
      );
      if (cancel.status === 200) {
        expect(detail).toMatchObject({ status: "cancelled", checkedInCount: 0, registeredCount: 0 });
        expect(list.registrations.every((r) => r.status === "cancelled" && r.checkedInAt === null && r.refunded)).toBe(
          true,
        );
        expect(balances).toEqual([10, 10, 10, 10]);
      } else {
        expect(((await cancel.json()) as { messageKey: string }).messageKey).toBe("error-event-checked-in");
        expect(detail).toMatchObject({ status: "published", checkedInCount: 1, registeredCount: 4 });
        expect(list.registrations.every((r) => r.status === "registered")).toBe(true);
        expect(balances).toEqual([0, 0, 0, 0]);
      }
    }
  }, 120_000);
});

describe("cancelling a held event", () => {
  it("is refused once a guest has been checked in, and changes nothing", async () => {
    const id = await publishedEvent({
      startsAt: hours(2),
      endsAt: hours(5),
      pricePoints: 0,
      attendanceBonusPoints: 20,
    });
    const guest = await newGuest(world, "Вера");
    await asGuest(guest, `/api/v1/me/events/${id}/registration`, "POST");
    const checkIn = await staff(world, "cashier", `/api/v1/events/${id}/check-in`, { ...json({ guestId: guest.id }) });
    expect(checkIn.status).toBe(200);

    const refused = await staff(world, "manager", `/api/v1/events/${id}/cancel`, { ...json({ reason: "Rain" }) });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({
      messageKey: "error-event-checked-in",
      checkedIn: 1,
      detail: "1 guest(s) have already been checked in at this event; finish it instead of cancelling.",
    });
    const detail = (await (await staff(world, "manager", `/api/v1/events/${id}`)).json()) as {
      status: string;
      checkedInCount: number;
    };
    expect(detail).toMatchObject({ status: "published", checkedInCount: 1 });
    const finished = await staff(world, "manager", `/api/v1/events/${id}/finish`, { method: "POST" });
    expect(finished.status).toBe(200);
  });
});

describe("reminders", () => {
  it("sends the day and hour reminders once each, however often the job runs, and finishes past events", async () => {
    const engine = createEngineDeps({ db: test.db, redis: test.redis, clock: () => clock.now });
    const id = await publishedEvent({ startsAt: hours(20), endsAt: hours(22), capacity: 3 });
    const guest = await newGuest();
    await asGuest(guest, `/api/v1/me/events/${id}/registration`, "POST");
    const reminders = async () =>
      (await outbox("event.reminder")).filter((e) => (e.payload as { eventId: string }).eventId === id);
    await Promise.all([sendEventReminders(engine, world.tenantId), sendEventReminders(engine, world.tenantId)]);
    await sendEventReminders(engine, world.tenantId);
    expect((await reminders()).map((e) => (e.payload as { kind: string }).kind)).toEqual(["day"]);
    clock.now = new Date(clock.now.getTime() + 19.5 * 3_600_000);
    try {
      await Promise.all([sendEventReminders(engine, world.tenantId), sendEventReminders(engine, world.tenantId)]);
      expect((await reminders()).map((e) => (e.payload as { kind: string }).kind)).toEqual(["day", "hour"]);
      clock.now = new Date(clock.now.getTime() + 3 * 3_600_000);
      await sendEventReminders(engine, world.tenantId);
      const detail = (await (await staff(world, "manager", `/api/v1/events/${id}`)).json()) as { status: string };
      expect(detail.status).toBe("finished");
    } finally {
      clock.now = new Date(clock.now.getTime() - 22.5 * 3_600_000);
    }
  });

  it("reminds again after the start moves, and tells registered and waitlisted guests of the new time or place once", async () => {
    const engine = createEngineDeps({ db: test.db, redis: test.redis, clock: () => clock.now });
    // 12:00 in Moscow now; the event at 08:00 tomorrow.
    const id = await publishedEvent({ startsAt: hours(20), endsAt: hours(22), capacity: 2 });
    const [anna, boris, vera] = [await newGuest(), await newGuest(), await newGuest()];
    for (const g of [anna, boris, vera]) await asGuest(g, `/api/v1/me/events/${id}/registration`, "POST");
    const ofEvent = async (type: string) =>
      (await outbox(type))
        .map((e) => e.payload as { eventId: string; guestId: string; kind?: string; startsAt: string })
        .filter((payload) => payload.eventId === id);
    const patch = (body: Record<string, unknown>) =>
      staff(world, "manager", `/api/v1/events/${id}`, { method: "PATCH", body: JSON.stringify(body) });

    await sendEventReminders(engine, world.tenantId);
    expect((await ofEvent("event.reminder")).map((p) => p.guestId).sort()).toEqual([anna.id, boris.id].sort());

    // Two hours later in the morning: the guests are told once, and the day reminder goes out again.
    expect((await patch({ startsAt: hours(22), endsAt: hours(24) })).status).toBe(200);
    const moved = await ofEvent("event.rescheduled");
    expect(moved.map((p) => p.guestId).sort()).toEqual([anna.id, boris.id, vera.id].sort());
    expect(moved[0]).toMatchObject({ startsAt: hours(22), previousStartsAt: hours(20), timeChanged: true });
    await sendEventReminders(engine, world.tenantId);
    await sendEventReminders(engine, world.tenantId);
    const reminders = await ofEvent("event.reminder");
    expect(reminders).toHaveLength(4);
    expect(
      reminders
        .filter((p) => p.startsAt === hours(22))
        .map((p) => p.guestId)
        .sort(),
    ).toEqual([anna.id, boris.id].sort());

    // A new title tells nobody; a new place does, once more.
    expect((await patch({ title: "Wine evening, revised" })).status).toBe(200);
    expect(await ofEvent("event.rescheduled")).toHaveLength(3);
    expect((await patch({ restaurantId: world.restaurantId })).status).toBe(200);
    const placed = (await ofEvent("event.rescheduled")).slice(3);
    expect(placed.map((p) => p.guestId).sort()).toEqual([anna.id, boris.id, vera.id].sort());
    expect(placed[0]).toMatchObject({ timeChanged: false, placeChanged: true, title: "Wine evening, revised" });
  });

  it("sends the day reminder only in the daytime of the day before, in the tenant's time zone (Moscow)", async () => {
    const engine = createEngineDeps({ db: test.db, redis: test.redis, clock: () => clock.now });
    const start = clock.now;
    const kinds = async (id: string) =>
      (await outbox("event.reminder"))
        .map((e) => e.payload as { eventId: string; kind: string })
        .filter((payload) => payload.eventId === id)
        .map((payload) => payload.kind);
    const withGuest = async (startsAt: string, endsAt: string) => {
      const id = await publishedEvent({ startsAt, endsAt });
      await asGuest(await newGuest(), `/api/v1/me/events/${id}/registration`, "POST");
      return id;
    };
    try {
      // 12:00 in Moscow. Tonight's 21:00 event is not "tomorrow"; 00:30 after midnight is, although
      // it is still the same day in UTC.
      clock.now = new Date("2026-12-01T09:00:00Z");
      const tonight = await withGuest("2026-12-01T18:00:00Z", "2026-12-01T21:00:00Z");
      const afterMidnight = await withGuest("2026-12-01T21:30:00Z", "2026-12-02T01:00:00Z");
      await sendEventReminders(engine, world.tenantId);
      expect(await kinds(tonight)).toEqual([]);
      expect(await kinds(afterMidnight)).toEqual(["day"]);
      // An hour before, tonight's event gets its hour reminder, and only that.
      clock.now = new Date("2026-12-01T17:05:00Z");
      await sendEventReminders(engine, world.tenantId);
      expect(await kinds(tonight)).toEqual(["hour"]);

      // 02:00 in Moscow (23:00 UTC, the day before): 20:00 is today in Moscow, though tomorrow in UTC.
      clock.now = new Date("2026-12-01T23:00:00Z");
      const evening = await withGuest("2026-12-02T17:00:00Z", "2026-12-02T20:00:00Z");
      await sendEventReminders(engine, world.tenantId);
      expect(await kinds(evening)).toEqual([]);
      // 23:30 in Moscow: tomorrow's 10:00 brunch is not reminded at night, nor after midnight, when
      // "Tomorrow" would be wrong. Published too late for a daytime reminder, it gets the hour one.
      clock.now = new Date("2026-12-02T20:30:00Z");
      const brunch = await withGuest("2026-12-03T07:00:00Z", "2026-12-03T10:00:00Z");
      await sendEventReminders(engine, world.tenantId);
      expect(await kinds(brunch)).toEqual([]);
      clock.now = new Date("2026-12-02T21:30:00Z");
      await sendEventReminders(engine, world.tenantId);
      expect(await kinds(brunch)).toEqual([]);
      clock.now = new Date("2026-12-03T06:05:00Z");
      await sendEventReminders(engine, world.tenantId);
      expect(await kinds(brunch)).toEqual(["hour"]);
    } finally {
      clock.now = start;
    }
  });
});
