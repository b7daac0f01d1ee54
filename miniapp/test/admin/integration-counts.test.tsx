// The POS integrations page counts the events the inbox holds. Once the workers' retention purge
// has deleted old finished events, it says from when those counts start, so they do not read as
// all-time totals; before the first purge it says nothing of the kind.
import "./dom.ts";
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildWorld, type World } from "../../../api/test/http/world.ts";
import { type Connected, connectIntegration } from "../../../api/test/pos/pos-support.ts";
import { createTestApp, type TestApp } from "../../../api/test/support.ts";
import { AdminApp } from "../../src/admin/app/App.tsx";
import { localeStore } from "../../src/admin/i18n/locale.ts";
import { baseUrl, signedInBrowser } from "./browser-fetch.ts";

let test: TestApp;
let world: World;
let purged: Connected;

beforeAll(async () => {
  test = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: "1000" } });
  world = await buildWorld(test, undefined, { bot: false });
  await connectIntegration(test, world, { kind: "generic", name: "New till" });
  purged = await connectIntegration(test, world, { kind: "generic", name: "Old till" });
  // what the workers' purge records on the integration when it runs
  await test.db.withTenantClient(world.tenantId, (client) =>
    client.query("UPDATE pos_integrations SET events_purged_before = '2026-11-07T12:00:00Z' WHERE id = $1", [
      purged.integrationId,
    ]),
  );
});
beforeEach(() => localeStore.getState().setLocale("en"));
afterEach(cleanup);
afterAll(() => test.close());

async function openIntegrations() {
  const browser = await signedInBrowser(() => test, world.staff.owner);
  window.location.hash = "#/integrations";
  render(<AdminApp baseUrl={baseUrl} fetch={browser.fetch} readCsrf={browser.csrf} />);
  const table = await screen.findByRole("table", { name: "POS integrations" }, { timeout: 8_000 });
  const row = (name: string) => {
    const cell = within(table).getByText(name);
    return cell.closest("tr") as HTMLElement;
  };
  return row;
}

describe("the integrations page's event counts", () => {
  it("say from when they start once old events were deleted, and nothing before", async () => {
    const row = await openIntegrations();
    expect(within(row("Old till")).getByTestId("counts-since").textContent).toMatch(
      /^Finished events received before 7 Nov 2026, \d\d:\d\d are no longer kept$/,
    );
    expect(within(row("New till")).queryByTestId("counts-since")).toBeNull();
  });
});
