// The owner's billing pages in a DOM against the real API and a fake YooKassa on 127.0.0.1: the
// plan, its usage and the plans on offer; buying one (a YooKassa payment with our Idempotency-Key);
// the page YooKassa sends the owner back to, polling until the payment settles or giving up; the
// banner while the plan is unpaid; and the upgrade prompt when a plan limit refuses something.
import "./dom.ts";
import "./without-xhr.ts";
import { readdirSync, readFileSync } from "node:fs";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { putOnPlan } from "../../../api/test/http/plans.ts";
import { buildWorld, type World } from "../../../api/test/http/world.ts";
import { createTestApp, type TestApp } from "../../../api/test/support.ts";
import { type FakeYooKassa, startFakeYooKassa } from "../../../workers/src/testing/fake-yookassa.ts";
import { AdminApp, createServices } from "../../src/admin/app/App.tsx";
import { ServicesProvider } from "../../src/admin/app/context.tsx";
import { errorText, localeStore } from "../../src/admin/i18n/locale.ts";
import { messages } from "../../src/admin/i18n/messages.ts";
import BillingReturnPage from "../../src/admin/pages/BillingReturnPage.tsx";
import { PENDING_PAYMENT_KEY } from "../../src/admin/pages/billing-common.ts";
import { baseUrl, browserFetch } from "./browser-fetch.ts";

let test: TestApp;
let fake: FakeYooKassa;
/** a page's first load: its lazy chunk and three API calls */
const slow = { timeout: 5_000 };

beforeAll(async () => {
  fake = await startFakeYooKassa();
  test = await createTestApp({
    env: {
      RATE_LIMIT_PER_MINUTE: "1000",
      YOOKASSA_SHOP_ID: fake.shopId,
      YOOKASSA_SECRET_KEY: fake.secretKey,
      YOOKASSA_API_URL: fake.url,
    },
  });
});
beforeEach(() => {
  localeStore.getState().setLocale("en");
  window.sessionStorage.clear();
});
afterEach(cleanup);
afterAll(async () => {
  await test.close();
  await fake.close();
});

async function signedIn(world: World, role: "owner" | "admin" = "owner") {
  const browser = browserFetch(() => test);
  const response = await browser.fetch(`${baseUrl}api/v1/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: world.staff[role].email, password: world.staff[role].password }),
  });
  expect(response.status).toBe(200);
  return browser;
}

async function open(world: World, hash: string, role: "owner" | "admin" = "owner") {
  const browser = await signedIn(world, role);
  window.location.hash = hash;
  render(<AdminApp baseUrl={baseUrl} fetch={browser.fetch} readCsrf={browser.csrf} />);
  return browser;
}

/** A checkout as the billing page makes it; the payment waits on "YooKassa's page". */
async function pendingPayment(world: World): Promise<{ paymentId: string; yookassaId: string }> {
  const response = await test.app.request("/api/v1/billing/checkout", {
    method: "POST",
    headers: {
      Authorization: `Bearer ${await world.tokenFor("owner")}`,
      "Content-Type": "application/json",
      "Idempotency-Key": crypto.randomUUID(),
    },
    body: JSON.stringify({ planId: "start" }),
  });
  const body = (await response.json()) as { paymentId: string };
  expect(response.status).toBe(201);
  const yookassaId = [...fake.payments.values()].find((p) => p.metadata.paymentId === body.paymentId)?.id;
  if (!yookassaId) throw new Error("the checkout did not reach YooKassa");
  return { paymentId: body.paymentId, yookassaId };
}

describe("the billing page", () => {
  it("shows the trial, usage against its limits, the plans on offer and an empty history", async () => {
    const world = await buildWorld(test);
    await open(world, "#/billing");
    expect((await screen.findByTestId("current-plan", {}, slow)).textContent).toBe("Trial");
    expect(screen.getByTestId("subscription-status").textContent).toBe("Trial: 14 days left");
    expect(screen.getByTestId("usage-restaurants").textContent).toContain("1 of 1");
    expect(screen.getByTestId("usage-staff").textContent).toContain("4 of 5");
    expect(screen.getByTestId("usage-guests").textContent).toContain("0 of 500");
    expect(screen.getByTestId("usage-broadcasts").textContent).toContain("0 of 2");
    expect(screen.getByTestId("usage-restaurants").className).toContain("full");

    const plans = await screen.findByRole("list", { name: "Plans" }, slow);
    const names = within(plans)
      .getAllByRole("heading")
      .map((heading) => heading.textContent);
    expect(names).toEqual(["Start", "Business", "Chain"]);
    const chain = within(plans).getByRole("listitem", { name: "Chain" });
    expect(chain.textContent).toContain("Restaurants: unlimited");
    expect(within(plans).getByRole("listitem", { name: "Start" }).textContent).toMatch(/1,490\.00.*per month/);
    expect(await screen.findByText("No payments yet.")).toBeTruthy();
  });

  it("buys a plan: one YooKassa payment under the page's Idempotency-Key, remembered for the return page", async () => {
    const world = await buildWorld(test);
    await open(world, "#/billing");
    const plans = await screen.findByRole("list", { name: "Plans" }, slow);
    const before = fake.requests.length;
    fireEvent.click(within(within(plans).getByRole("listitem", { name: "Business" })).getByRole("button"));
    await screen.findByText("Opening the payment page…", {}, slow);
    const created = fake.requests.slice(before).filter((r) => r.method === "POST" && r.path === "/v3/payments");
    expect(created).toHaveLength(1);
    const paymentId = window.sessionStorage.getItem(PENDING_PAYMENT_KEY);
    expect(paymentId).toMatch(/^[0-9a-f-]{36}$/);
    const stored = await test.db.withTenant(world.tenantId, (tx) => tx.billingPayment.findMany());
    expect(stored.map((p) => [p.id, p.planId, p.status])).toEqual([[paymentId, "business", "pending"]]);
  });

  it("cancels at the period's end after a confirmation, and resumes", async () => {
    const world = await buildWorld(test);
    await putOnPlan(test, world.tenantId, "start", "active");
    await open(world, "#/billing");
    expect((await screen.findByTestId("subscription-status", {}, slow)).textContent).toMatch(/^Active until /);
    fireEvent.click(screen.getByRole("button", { name: "Cancel at period end" }));
    const confirm = screen.getByRole("dialog", { name: "Cancel at period end" });
    expect(confirm.textContent).toContain("will not renew");
    fireEvent.click(within(confirm).getByRole("button", { name: "Cancel at period end" }));
    await screen.findByText(/^Cancelled: works until /, {}, slow);
    fireEvent.click(screen.getByRole("button", { name: "Resume subscription" }));
    fireEvent.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Resume subscription" }));
    await screen.findByText(/^Active until /, {}, slow);
    const sub = await test.db.withTenant(world.tenantId, (tx) =>
      tx.subscription.findUniqueOrThrow({ where: { tenantId: world.tenantId } }),
    );
    expect(sub.cancelAtPeriodEnd).toBe(false);
  });

  it("is read-only for an administrator", async () => {
    const world = await buildWorld(test);
    await open(world, "#/billing", "admin");
    const plans = await screen.findByRole("list", { name: "Plans" }, slow);
    expect((await screen.findByTestId("current-plan", {}, slow)).textContent).toBe("Trial");
    expect(within(plans).queryAllByRole("button")).toHaveLength(0);
    expect(screen.queryByRole("button", { name: "Cancel at period end" })).toBeNull();
  });
});

describe("the return page", () => {
  it("checks until YooKassa says the payment succeeded, then shows the plan and its period", async () => {
    const world = await buildWorld(test);
    const { paymentId, yookassaId } = await pendingPayment(world);
    await open(world, `#/billing/return?payment=${paymentId}`);
    expect(await screen.findByText("Checking the payment with YooKassa…")).toBeTruthy();
    fake.succeed(yookassaId);
    const outcome = await screen.findByTestId("payment-outcome", {}, { timeout: 8_000 });
    expect(outcome.textContent).toMatch(/^Paid\. The Start plan is active until /);
    expect(screen.getByRole("link", { name: "Go to billing" }).getAttribute("href")).toBe("#/billing");
  });

  it("says when the payment did not go through", async () => {
    const world = await buildWorld(test);
    const { paymentId, yookassaId } = await pendingPayment(world);
    fake.cancel(yookassaId, "insufficient_funds");
    window.sessionStorage.setItem(PENDING_PAYMENT_KEY, paymentId);
    // YooKassa's return URL does not name the payment: the page finds the one it sent the owner to.
    await open(world, "#/billing/return");
    const outcome = await screen.findByTestId("payment-outcome", {}, { timeout: 8_000 });
    expect(outcome.textContent).toContain("The payment did not go through.");
    // YooKassa's reason code as a sentence, not the code
    expect(screen.getByTestId("payment-reason").textContent).toBe(
      "Reason: There was not enough money on the card. Top it up or pay with another card.",
    );
    expect(window.sessionStorage.getItem(PENDING_PAYMENT_KEY)).toBeNull();
  });

  it("stops checking after a while and sends the owner to the history", async () => {
    const world = await buildWorld(test);
    const { paymentId } = await pendingPayment(world);
    const browser = await signedIn(world);
    const services = createServices({ baseUrl, fetch: browser.fetch, readCsrf: browser.csrf });
    await services.session.getState().restore();
    render(
      <ServicesProvider services={services}>
        <BillingReturnPage paymentId={paymentId} pollMs={20} giveUpMs={150} />
      </ServicesProvider>,
    );
    expect(await screen.findByText(/has not confirmed the payment yet/, {}, { timeout: 5_000 })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Payment history" }).getAttribute("href")).toBe("#/billing");
    expect(browser.calls.filter((c) => c === `GET /api/v1/billing/payments/${paymentId}`).length).toBeGreaterThan(1);
  });
});

describe("the unpaid plan banner", () => {
  it("tells the owner when grace ends and offers to pay", async () => {
    const world = await buildWorld(test);
    await putOnPlan(test, world.tenantId, "start", "past_due");
    await open(world, "#/staff");
    const banner = await screen.findByTestId("billing-banner");
    expect(banner.textContent).toMatch(/overdue\. Pay by .+, or guests beyond/);
    expect(within(banner).getByRole("link", { name: "Pay" }).getAttribute("href")).toBe("#/billing");
  });

  it("is not shown while the plan is paid", async () => {
    const world = await buildWorld(test);
    await putOnPlan(test, world.tenantId, "start", "active");
    await open(world, "#/billing");
    await screen.findByTestId("current-plan", {}, slow);
    expect(screen.queryByTestId("billing-banner")).toBeNull();
  });
});

/** A paid subscription whose renewal has failed `attempts` times, with the next try at `next`. */
async function renewalFailing(world: World, attempts: number, next: Date | null) {
  await putOnPlan(test, world.tenantId, "start", "active");
  await test.db.withTenant(world.tenantId, (tx) =>
    tx.subscription.update({
      where: { tenantId: world.tenantId },
      data: {
        renewalAttempts: attempts,
        nextRenewalAt: next,
        paymentMethodId: crypto.randomUUID(),
        paymentMethodTitle: "Bank card *4444",
      },
    }),
  );
}

describe("a failed renewal", () => {
  it("is shown in the banner with the next attempt, in English and Russian", async () => {
    const world = await buildWorld(test);
    const next = new Date(Date.now() + 6 * 3_600_000);
    await renewalFailing(world, 1, next);
    await open(world, "#/staff");
    const banner = await screen.findByTestId("billing-banner", {}, slow);
    expect(banner.textContent).toMatch(
      /did not go through\. We will try the saved card again on .+; you can also pay now/,
    );
    expect(banner.textContent).toContain(
      new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short" }).format(next),
    );
    expect(within(banner).getByRole("link", { name: "Pay now with another card" }).getAttribute("href")).toBe(
      "#/billing",
    );
    cleanup();
    localeStore.getState().setLocale("ru");
    await open(world, "#/staff");
    const russian = await screen.findByTestId("billing-banner", {}, slow);
    expect(russian.textContent).toMatch(/^Платёж за тариф не прошёл\. Мы ещё раз попробуем списать/);
    expect(within(russian).getByRole("link", { name: "Оплатить сейчас другой картой" })).toBeTruthy();
  });

  it("says when there will be no more automatic attempts", async () => {
    const world = await buildWorld(test);
    await renewalFailing(world, 4, null);
    await open(world, "#/staff");
    const banner = await screen.findByTestId("billing-banner", {}, slow);
    expect(banner.textContent).toContain("there will be no more automatic attempts");
  });

  it("can be paid now on the billing page: a checkout of the current plan, to YooKassa's page", async () => {
    const world = await buildWorld(test);
    await renewalFailing(world, 2, new Date(Date.now() + 24 * 3_600_000));
    await open(world, "#/billing");
    const notice = await screen.findByTestId("renewal-failed", {}, slow);
    expect(notice.textContent).toMatch(
      /^The renewal payment did not go through \(2 attempts\)\. We will try the saved card again on /,
    );
    const before = fake.requests.length;
    fireEvent.click(within(notice).getByRole("button", { name: "Pay now with another card" }));
    await screen.findByText("Opening the payment page…", {}, slow);
    // The text shows while the checkout call is still on its way to YooKassa.
    const created = () => fake.requests.slice(before).filter((r) => r.method === "POST" && r.path === "/v3/payments");
    await waitFor(() => expect(created()).toHaveLength(1), slow);
    expect(created()[0]?.body).toMatchObject({ amount: { value: "1490.00" }, save_payment_method: true });
    const stored = await test.db.withTenant(world.tenantId, (tx) => tx.billingPayment.findMany());
    expect(stored.map((p) => [p.planId, p.kind, p.status])).toEqual([["start", "checkout", "pending"]]);
  });
});

describe("a trial ending soon", () => {
  it("is shown in the banner and on the billing page", async () => {
    const world = await buildWorld(test);
    const end = new Date(Date.now() + 2 * 86_400_000);
    await test.db.withTenant(world.tenantId, (tx) =>
      tx.subscription.create({
        data: {
          tenantId: world.tenantId,
          planId: "trial",
          status: "trialing",
          currentPeriodStart: new Date(Date.now() - 12 * 86_400_000),
          currentPeriodEnd: end,
        },
      }),
    );
    await open(world, "#/billing");
    const banner = await screen.findByTestId("billing-banner", {}, slow);
    const day = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium" }).format(end);
    expect(banner.textContent).toContain(`Your trial ends on ${day}. Choose a plan`);
    expect(within(banner).getByRole("link", { name: "Choose a plan" })).toBeTruthy();
    expect((await screen.findByTestId("trial-ending", {}, slow)).textContent).toBe(
      `The trial ends on ${day}. Choose a plan below to keep everything working.`,
    );
  });
});

describe("the payment history", () => {
  it("loads older payments page by page, and shows refunds, reasons and YooKassa's page for an open one", async () => {
    const world = await buildWorld(test);
    const start = Date.now() - 60 * 86_400_000;
    await test.db.withTenant(world.tenantId, async (tx) => {
      await tx.billingPayment.createMany({
        data: Array.from({ length: 52 }, (_, n) => ({
          tenantId: world.tenantId,
          kind: "renewal" as const,
          planId: "start",
          amountMinor: 149_000n,
          currency: "RUB",
          idempotenceKey: crypto.randomUUID(),
          status: n === 0 ? ("canceled" as const) : n === 51 ? ("pending" as const) : ("succeeded" as const),
          cancellationReason: n === 0 ? "card_expired" : null,
          confirmationUrl: n === 51 ? "https://yoomoney.ru/checkout/payments/v2/contract?orderId=open" : null,
          refundedMinor: n === 1 ? 50_000n : 0n,
          periodStart: new Date(start + n * 3_600_000),
          periodEnd: new Date(start + n * 3_600_000 + 30 * 86_400_000),
          createdAt: new Date(start + n * 3_600_000),
        })),
      });
      const refunded = await tx.billingPayment.findFirstOrThrow({ where: { refundedMinor: 50_000n } });
      await tx.billingRefund.createMany({
        data: [
          {
            tenantId: world.tenantId,
            paymentId: refunded.id,
            amountMinor: 50_000n,
            idempotenceKey: crypto.randomUUID(),
            status: "succeeded",
            reason: "goodwill",
          },
          {
            tenantId: world.tenantId,
            paymentId: refunded.id,
            amountMinor: 20_000n,
            idempotenceKey: crypto.randomUUID(),
            status: "pending",
            reason: "more",
          },
        ],
      });
    });
    await open(world, "#/billing");
    const table = await screen.findByRole("table", { name: "Payment history" }, slow);
    expect(within(table).getAllByRole("row")).toHaveLength(51); // a header and 50 payments
    expect(within(table).getByRole("link", { name: "Complete the payment on YooKassa" }).getAttribute("href")).toBe(
      "https://yoomoney.ru/checkout/payments/v2/contract?orderId=open",
    );
    fireEvent.click(screen.getByRole("button", { name: "Load more" }));
    await screen.findByText("The card has expired. Pay with another card.", {}, slow);
    expect(within(screen.getByRole("table", { name: "Payment history" })).getAllByRole("row")).toHaveLength(53);
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();
    const refunds = screen.getByTestId("payment-refunds");
    expect([...refunds.querySelectorAll("li")].map((li) => li.textContent)).toEqual([
      expect.stringMatching(/500\.00.* refunded, \d/),
      expect.stringMatching(/200\.00.* in progress, \d/),
    ]);
  });
});

describe("billing's refusals", () => {
  it("have a sentence in English and Russian for every message key the billing verbs use", () => {
    const dir = new URL("../../../api/src/core/billing/", import.meta.url);
    const keys = new Set<string>();
    for (const file of readdirSync(dir)) {
      for (const match of readFileSync(new URL(file, dir), "utf8").matchAll(/"(billing-[a-z-]+)"/g)) {
        keys.add(match[1] as string);
      }
    }
    for (const key of ["billing-plan-paid", "billing-refund-unpaid", "billing-yookassa-unreachable"]) {
      expect(keys).toContain(key);
    }
    for (const key of keys) {
      expect(messages.en.errors.keys[key], key).toBeTruthy();
      expect(messages.ru.errors.keys[key], key).toBeTruthy();
    }
  });

  it("are shown as those sentences: cancelling a trial", async () => {
    const world = await buildWorld(test);
    const response = await test.app.request("/api/v1/billing/cancel", {
      method: "POST",
      headers: { Authorization: `Bearer ${await world.tokenFor("owner")}`, "Content-Type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(409);
    const problem = (await response.json()) as { messageKey: string; detail: string };
    expect(problem.messageKey).toBe("billing-nothing-to-cancel");
    const error = { status: 409, messageKey: problem.messageKey, message: problem.detail };
    expect(errorText(error, messages.ru)).toBe("Отменить можно только оплаченную подписку.");
    expect(errorText(error, messages.en)).toBe("Only a paid subscription can be cancelled.");
  });
});

describe("a plan limit", () => {
  it("refusing a new restaurant offers a larger plan", async () => {
    const world = await buildWorld(test);
    await open(world, "#/restaurants");
    fireEvent.click(await screen.findByRole("button", { name: "Add a restaurant" }));
    const dialog = screen.getByRole("dialog");
    fireEvent.change(within(dialog).getByLabelText("Name"), { target: { value: "Second hall" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Save" }));
    const alert = await within(dialog).findByRole("alert");
    expect(alert.textContent).toContain("Your plan's limit is reached.");
    expect(within(alert).getByRole("link", { name: "Choose a larger plan" }).getAttribute("href")).toBe("#/billing");
  });
});
