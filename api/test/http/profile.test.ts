// The guest's profile in the Mini App: read it, change it in one request, all or nothing; the
// birthday is given once; and a Telegram account linked to staff shows its role.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support.ts";
import { buildWorld, type World } from "./world.ts";

const clock = { now: new Date("2026-11-21T09:30:00.000Z") };
let test: TestApp;
let world: World;
beforeAll(async () => {
  test = await createTestApp({ clock: () => clock.now });
  world = await buildWorld(test, () => clock.now);
});
afterAll(() => test.close());

interface TelegramUser {
  id: number;
  first_name?: string;
  language_code?: string;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

function launch(user: TelegramUser, as: World = world, slug = as.slug) {
  return { Authorization: `tma ${as.initData(user)}`, "X-Tenant": slug };
}

async function answer(response: Response): Promise<Answer> {
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const getProfile = async (user: TelegramUser, as: World = world) =>
  answer(await test.app.request("/api/v1/me/profile", { headers: launch(user, as) }));

const patchProfile = async (user: TelegramUser, body: unknown, headers = launch(user)) =>
  answer(
    await test.app.request("/api/v1/me/profile", {
      method: "PATCH",
      body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", ...headers },
    }),
  );

function linkStaff(as: World, staffId: string, telegramUserId: number | null, isActive = true) {
  return test.db.withTenant(as.tenantId, (tx) =>
    tx.staffUser.update({
      where: { tenantId_id: { tenantId: as.tenantId, id: staffId } },
      data: { telegramUserId: telegramUserId === null ? null : BigInt(telegramUserId), isActive },
    }),
  );
}

describe("the guest's profile", () => {
  it("shows a new guest what Telegram told us: the name and language, nothing else yet", async () => {
    const profile = await getProfile({ id: 6_660_001, first_name: "Анна", language_code: "ru" });
    expect(profile).toEqual({
      status: 200,
      body: {
        firstName: "Анна",
        lastName: null,
        phone: null,
        birthday: null,
        locale: "ru",
        notificationsEnabled: true,
        registered: false,
        staff: null,
      },
    });
  });

  it("changes name, language and notifications in one request, the name split at the first space", async () => {
    const user = { id: 6_660_002, first_name: "Anna", language_code: "ru" };
    const changed = await patchProfile(user, {
      name: "  Анна   Мария  Иванова ",
      locale: "en",
      notificationsEnabled: false,
    });
    expect(changed).toEqual({
      status: 200,
      body: {
        firstName: "Анна",
        lastName: "Мария Иванова",
        phone: null,
        birthday: null,
        locale: "en",
        notificationsEnabled: false,
        registered: false,
        staff: null,
      },
    });
    expect(await getProfile(user)).toEqual(changed);
  });

  it("refuses what is not a name, an impossible or implausible birthday, and writes none of the other fields", async () => {
    const user = { id: 6_660_003, first_name: "Boris", language_code: "ru" };
    const before = await getProfile(user);
    const cases: [Record<string, unknown>, string][] = [
      [{ name: "http://spam.example", locale: "en", notificationsEnabled: false }, "name"],
      [{ name: "12345", locale: "en" }, "name"],
      [{ name: "   ", notificationsEnabled: false }, "name"],
      [{ birthday: "1990-02-30", locale: "en" }, "birthday"],
      [{ birthday: "2024-01-01", locale: "en" }, "birthday"],
      [{ birthday: "1850-01-01", notificationsEnabled: false }, "birthday"],
      [{ birthday: "15.07.1990", locale: "en" }, "birthday"],
    ];
    for (const [body, field] of cases) {
      const refused = await patchProfile(user, body);
      expect(refused, JSON.stringify(body)).toMatchObject({
        status: 422,
        body: { code: "VALIDATION", errors: [expect.objectContaining({ path: field })] },
      });
    }
    expect(await getProfile(user)).toEqual(before);
    expect(before.body).toMatchObject({ firstName: "Boris", locale: "ru", notificationsEnabled: true, birthday: null });
  });

  it("takes the birthday once: another date is a conflict, the same date again is fine", async () => {
    const user = { id: 6_660_004, first_name: "Vera", language_code: "ru" };
    expect(await patchProfile(user, { birthday: "1990-07-15" })).toMatchObject({
      status: 200,
      body: { birthday: "1990-07-15" },
    });

    const changed = await patchProfile(user, { birthday: "1991-01-01", locale: "en" });
    expect(changed).toMatchObject({ status: 409, body: { code: "CONFLICT" } });
    expect(String(changed.body.detail)).toMatch(/only the restaurant can change it.*birthday bonuses/);
    expect(await getProfile(user)).toMatchObject({ status: 200, body: { birthday: "1990-07-15", locale: "ru" } });

    expect(await patchProfile(user, { birthday: "1990-07-15", notificationsEnabled: false })).toMatchObject({
      status: 200,
      body: { birthday: "1990-07-15", notificationsEnabled: false },
    });
  });

  it("of several different first birthdays sent at once, exactly one is kept", async () => {
    const user = { id: 6_660_005, first_name: "Gleb" };
    await getProfile(user);
    const dates = ["1985-03-01", "1986-04-02", "1987-05-03", "1988-06-04", "1989-07-05", "1990-08-06"];
    const answers = await Promise.all(dates.map((birthday) => patchProfile(user, { birthday })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    const kept = answers.find((a) => a.status === 200)?.body.birthday;
    expect(await getProfile(user)).toMatchObject({ body: { birthday: kept } });
  });

  it("answers 422 for an empty change, an unknown field or a wrong type, and changes nothing", async () => {
    const user = { id: 6_660_006, first_name: "Dina", language_code: "ru" };
    const before = await getProfile(user);
    for (const body of [
      {},
      { locale: "en", nickname: "dee" },
      { phone: "+79990000000" },
      { notificationsEnabled: "no" },
      { locale: "de" },
    ]) {
      expect(await patchProfile(user, body), JSON.stringify(body)).toMatchObject({
        status: 422,
        body: { code: "VALIDATION" },
      });
    }
    expect(await getProfile(user)).toEqual(before);
  });

  it("refuses forged launch data and another business's launch data, and changes nothing", async () => {
    const user = { id: 6_660_007, first_name: "Eve", language_code: "ru" };
    const before = await getProfile(user);
    const forged = world.initData(user).replace("Eve", "Mallory");
    const refused = await patchProfile(
      user,
      { locale: "en" },
      { Authorization: `tma ${forged}`, "X-Tenant": world.slug },
    );
    expect(refused).toMatchObject({ status: 401, body: { code: "UNAUTHORIZED", messageKey: "init-data-forged" } });
    expect(String(refused.body.detail)).toMatch(/not valid for this restaurant/);
    expect(
      await answer(
        await test.app.request("/api/v1/me/profile", {
          headers: { Authorization: `tma ${forged}`, "X-Tenant": world.slug },
        }),
      ),
    ).toMatchObject({ status: 401 });

    const other = await buildWorld(test, () => clock.now);
    const foreign = launch(user, world, other.slug);
    expect(await answer(await test.app.request("/api/v1/me/profile", { headers: foreign }))).toMatchObject({
      status: 401,
    });
    expect(await patchProfile(user, { locale: "en" }, foreign)).toMatchObject({ status: 401 });
    expect(await getProfile(user)).toEqual(before);
  });

  it("names the staff role of a Telegram account linked to active staff of this business only", async () => {
    const team = await buildWorld(test, () => clock.now);
    const cashier = { id: 6_660_008, first_name: "Kirill" };
    const stranger = { id: 6_660_009, first_name: "Lev" };

    expect(await getProfile(cashier, team)).toMatchObject({ status: 200, body: { staff: null } });
    await linkStaff(team, team.staff.cashier.id, cashier.id);
    expect(await getProfile(cashier, team)).toMatchObject({
      status: 200,
      body: { firstName: "Kirill", staff: { name: "cashier person", role: "cashier" } },
    });
    expect(await getProfile(stranger, team)).toMatchObject({ status: 200, body: { staff: null } });
    // The same Telegram account is a plain guest in a business it is not staff of.
    expect(await getProfile(cashier, world)).toMatchObject({ status: 200, body: { staff: null } });
    // Changing the profile answers with the same view.
    expect(await patchProfile(cashier, { locale: "en" }, launch(cashier, team))).toMatchObject({
      status: 200,
      body: { locale: "en", staff: { role: "cashier" } },
    });

    await linkStaff(team, team.staff.cashier.id, cashier.id, false);
    expect(await getProfile(cashier, team)).toMatchObject({ status: 200, body: { staff: null } });
  });
});
