// The Mini App's stores against the real API (in process, on the test database): the cashier's
// till from sign-in to undo, and the guest's card noticing what the till did.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorld, type World } from "../../api/test/http/world.ts";
import { createTestApp, type TestApp } from "../../api/test/support.ts";
import { createClient } from "../src/api/client.ts";
import { guestApi } from "../src/api/guest-api.ts";
import { createGuestStore } from "../src/state/guest-store.ts";
import { staffTillDeps } from "../src/state/staff-session.ts";
import { createTillStore } from "../src/state/till-store.ts";

let test: TestApp;
let world: World;
const baseUrl = "http://miniapp.test/";
const fetchApp: typeof fetch = (input, init) => Promise.resolve(test.app.fetch(new Request(input, init)));
const cashierUser = { id: 720_000_001, first_name: "Kate", language_code: "en" };

const apiFor = (user: { id: number; first_name: string }) =>
  guestApi(createClient({ baseUrl, fetch: fetchApp, authorization: () => `tma ${world.initData(user)}` }), world.slug);

beforeAll(async () => {
  test = await createTestApp();
  world = await buildWorld(test);
  await test.db.withTenant(world.tenantId, (tx) =>
    tx.staffUser.update({
      where: { tenantId_id: { tenantId: world.tenantId, id: world.staff.cashier.id } },
      data: { telegramUserId: BigInt(cashierUser.id) },
    }),
  );
});

afterAll(() => test.close());

describe("the till in the Mini App", () => {
  it("accrues once for a double-tapped Confirm, shows it on the guest's card, and undoes once", async () => {
    const guest = createGuestStore(apiFor({ id: 720_000_100, first_name: "Ann" }), "en");
    await guest.getState().loadCard();
    const card = guest.getState().card;
    if (card.status !== "ready") throw new Error(`card not loaded: ${card.status}`);

    const till = createTillStore(staffTillDeps(apiFor(cashierUser), { baseUrl, fetch: fetchApp }));
    await till.getState().signIn();
    expect(till.getState().staff).toMatchObject({ role: "cashier" });
    await till.getState().identify({ code: card.data.identification.code.code });
    expect(till.getState().step).toMatchObject({ kind: "amount", guest: { id: card.data.guest.id } });
    await till.getState().enterAmount(150_000n);
    expect(till.getState().step).toMatchObject({ kind: "choose", quote: { earnIfAccrued: 75 } });
    till.getState().choose({ type: "accrue" });
    // Two taps before the first answer: the second is ignored while busy, and even a retry
    // would carry the same Idempotency-Key.
    await Promise.all([till.getState().confirm(), till.getState().confirm()]);
    expect(till.getState().step).toMatchObject({ kind: "done", operation: { earned: 75, balance: 75 } });

    await guest.getState().loadCard({ quiet: true });
    expect(guest.getState().card).toMatchObject({ status: "ready", data: { balance: 75 } });
    expect(guest.getState().change).toMatchObject({ delta: 75 });

    await Promise.all([till.getState().undo(), till.getState().undo()]);
    expect(till.getState().step).toMatchObject({ kind: "done", undone: true });
    await guest.getState().loadCard({ quiet: true });
    expect(guest.getState().card).toMatchObject({ data: { balance: 0 } });
    expect(guest.getState().change).toMatchObject({ delta: -75 });
    await guest.getState().loadMoreHistory();
    expect(guest.getState().history.items.map((item) => [item.kind, item.points])).toEqual([
      ["reversal", -75],
      ["earn", 75],
    ]);
  });

  it("pays with points through the quote's hold", async () => {
    const guestUser = { id: 720_000_200, first_name: "Boris" };
    const guest = createGuestStore(apiFor(guestUser), "en");
    const till = createTillStore(staffTillDeps(apiFor(cashierUser), { baseUrl, fetch: fetchApp }));
    await till.getState().signIn();
    for (const amount of [1_000_000n, 200_000n]) {
      await guest.getState().loadCard({ quiet: true });
      const card = guest.getState().card;
      if (card.status !== "ready") throw new Error("card not loaded");
      await till.getState().identify({ code: card.data.identification.code.code });
      await till.getState().enterAmount(amount);
      const step = till.getState().step;
      if (step.kind !== "choose") throw new Error(`expected the quote, got ${step.kind}`);
      if (amount === 1_000_000n) till.getState().choose({ type: "accrue" });
      else {
        expect(step.quote.maxRedeemablePoints).toBeGreaterThan(0);
        till.getState().choose({ type: "redeem", points: step.quote.maxRedeemablePoints });
      }
      await till.getState().confirm();
      expect(till.getState().step.kind).toBe("done");
      till.getState().reset();
    }
    await guest.getState().loadCard({ quiet: true });
    const card = guest.getState().card;
    if (card.status !== "ready") throw new Error("card not loaded");
    // 500 earned on 10 000 ₽; the 2 000 ₽ check paid partly with points, the rest earning anew.
    expect(card.data.balance).toBeLessThan(500);
  });

  it("refuses a code nobody holds, and stays on the step with the API's message key", async () => {
    const till = createTillStore(staffTillDeps(apiFor(cashierUser), { baseUrl, fetch: fetchApp }));
    await till.getState().signIn();
    await till.getState().identify({ code: "000000" });
    expect(till.getState().step.kind).toBe("identify");
    expect(till.getState().error).toMatchObject({ status: 404, messageKey: "error-code-unknown" });
  });

  it("tells a guest who is not staff that the till is not theirs", async () => {
    const till = createTillStore(
      staffTillDeps(apiFor({ id: 720_000_300, first_name: "Nobody" }), { baseUrl, fetch: fetchApp }),
    );
    await till.getState().signIn();
    expect(till.getState().step).toMatchObject({ kind: "not-staff", error: { status: 403 } });
  });

  it("takes forged launch data for what it is", async () => {
    const forged = guestApi(
      createClient({ baseUrl, fetch: fetchApp, authorization: () => `tma ${world.initData({ id: 1 })}x` }),
      world.slug,
    );
    const guest = createGuestStore(forged, "ru");
    await guest.getState().loadProfile();
    expect(guest.getState().profile).toMatchObject({
      status: "failed",
      error: { status: 401, messageKey: "init-data-malformed" },
    });
  });
});
