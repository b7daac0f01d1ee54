// The audit log page names the till's actions in the reader's language and says where they were
// done (bot, Mini App, admin panel), against the real API with rows the till itself wrote.
import "./dom.ts";
import { cleanup, render, screen } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { issueStaffToken } from "../../../api/src/auth/staff-token.ts";
import { buildWorld, json, key, type World } from "../../../api/test/http/world.ts";
import { createTestApp, type TestApp } from "../../../api/test/support.ts";
import { AdminApp } from "../../src/admin/app/App.tsx";
import { localeStore } from "../../src/admin/i18n/locale.ts";
import { baseUrl, signedInBrowser } from "./browser-fetch.ts";

let test: TestApp;
let world: World;

beforeAll(async () => {
  test = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: "1000" } });
  world = await buildWorld(test);
  const card = await test.app.request("/api/v1/me/card", {
    headers: { Authorization: `tma ${world.initData({ id: 750_000_001, first_name: "Ann" })}`, "X-Tenant": world.slug },
  });
  const guestId = ((await card.json()) as { guest: { id: string } }).guest.id;
  // The Mini App's till signs in with a till-only token.
  const tillToken = await issueStaffToken(
    {
      staffId: world.staff.cashier.id,
      tenantId: world.tenantId,
      role: "cashier",
      generation: await world.generationOf(world.staff.cashier.id),
      scope: "till",
    },
    test.config.auth.jwtSecret,
    new Date(),
  );
  const accrued = await test.app.request(
    "/api/v1/till/accruals",
    json({ guestId, amountMinor: "100000", currency: "RUB" }, { Authorization: `Bearer ${tillToken}`, ...key() }),
  );
  expect(accrued.status).toBe(201);
});
afterEach(cleanup);
afterAll(() => test.close());

async function openAudit() {
  const browser = await signedInBrowser(() => test, world.staff.owner);
  window.location.hash = "#/audit";
  render(<AdminApp baseUrl={baseUrl} fetch={browser.fetch} readCsrf={browser.csrf} />);
}

describe("the audit log's till entries", () => {
  it("reads in English", async () => {
    localeStore.getState().setLocale("en");
    await openAudit();
    expect(
      await screen.findByText("Points accrued at the till · in the Mini App", {}, { timeout: 8_000 }),
    ).toBeTruthy();
    expect(screen.getByText("till.accrual")).toBeTruthy();
  });

  it("reads in Russian", async () => {
    localeStore.getState().setLocale("ru");
    await openAudit();
    expect(
      await screen.findByText("Начисление баллов на кассе · в мини-приложении", {}, { timeout: 8_000 }),
    ).toBeTruthy();
  });
});
