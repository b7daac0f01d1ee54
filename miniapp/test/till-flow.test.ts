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

  it("offers the POS's checks without a guest, and attaches one to the guest who shows their code", async () => {
    const { connectIntegration, postCheck, saleCheck } = await import("../../api/test/pos/pos-support.ts");
    const { processPosEvent } = await import("../../api/src/core/pos/process-event.ts");
    const { createEngineDeps } = await import("../../api/src/core/context.ts");
    const pos = await connectIntegration(test, world, { kind: "generic", name: "Hall POS" });
    const unpaired = saleCheck({ amountMinor: 240_000, guest: { phone: "+79000007777" } });
    expect((await postCheck(test, pos.integrationId, pos.secret, unpaired)).status).toBe(202);
    const eventId = await test.db.withTenantClient(world.tenantId, async (client) => {
      const { rows } = await client.query<{ id: string }>("SELECT id FROM pos_events WHERE event_id = $1", [
        unpaired.externalId,
      ]);
      return rows[0]?.id ?? "";
    });
    const engine = createEngineDeps({ db: test.db, redis: test.redis });
    expect(await processPosEvent(engine, world.tenantId, eventId, { maxAttempts: 3 })).toMatchObject({
      status: "unidentified",
    });

    const guest = createGuestStore(apiFor({ id: 720_000_400, first_name: "Lena" }), "en");
    await guest.getState().loadCard();
    const card = guest.getState().card;
    if (card.status !== "ready") throw new Error(`card not loaded: ${card.status}`);
    const till = createTillStore(staffTillDeps(apiFor(cashierUser), { baseUrl, fetch: fetchApp }));
    await till.getState().signIn();
    await till.getState().identify({ code: card.data.identification.code.code });
    expect(till.getState().posChecks.map((check) => check.id)).toContain(eventId);

    const listed = till.getState().posChecks.find((check) => check.id === eventId);
    till.getState().pickPosCheck(eventId);
    expect(till.getState().step).toMatchObject({ kind: "attach", check: { id: eventId, amountMinor: "240000" } });
    await Promise.all([till.getState().attach(), till.getState().attach()]);
    expect(till.getState().step).toMatchObject({
      kind: "attached",
      outcome: { status: "processed", pointsDelta: 120 },
    });
    expect(till.getState().posChecks.map((check) => check.id)).not.toContain(eventId);
    await guest.getState().loadCard({ quiet: true });
    const after = guest.getState().card;
    expect(after).toMatchObject({ status: "ready", data: { balance: 120 } });
    if (after.status !== "ready" || !listed) throw new Error("card or listed check missing");

    // A second till with a stale list: attaching the same check again is refused, nothing moves.
    const stale = createTillStore(staffTillDeps(apiFor(cashierUser), { baseUrl, fetch: fetchApp }));
    await stale.getState().signIn();
    await stale.getState().identify({ code: after.data.identification.code.code });
    stale.setState({ posChecks: [listed] });
    stale.getState().pickPosCheck(eventId);
    await stale.getState().attach();
    expect(stale.getState().step.kind).toBe("attach");
    expect(stale.getState().error).toMatchObject({ status: 409 });
    await guest.getState().loadCard({ quiet: true });
    expect(guest.getState().card).toMatchObject({ status: "ready", data: { balance: 120 } });
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
