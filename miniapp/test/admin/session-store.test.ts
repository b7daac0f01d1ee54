// The admin view's session against the real API: the refresh cookie restores it on page load, a
// lapsed access token is renewed once (however many calls notice) and the call retried, and a
// refresh token used twice ends the session with the API's reason.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { issueStaffToken } from "../../../api/src/auth/staff-token.ts";
import { buildWorld, type World } from "../../../api/test/http/world.ts";
import { createTestApp, type TestApp } from "../../../api/test/support.ts";
import { call } from "../../src/admin/api/client.ts";
import { createServices } from "../../src/admin/app/App.tsx";
import type { AdminServices } from "../../src/admin/app/context.tsx";
import { baseUrl, browserFetch } from "./browser-fetch.ts";

let test: TestApp;
let world: World;
// The API's clock runs ahead when a test needs time to pass (the refresh race grace of 10 s).
let skewMs = 0;
const opened: AdminServices[] = [];

/** A page load: fresh services (nothing in memory) in a browser with this cookie jar. */
const page = (browser: ReturnType<typeof browserFetch>) => {
  const services = createServices({ baseUrl, fetch: browser.fetch, readCsrf: browser.csrf });
  opened.push(services);
  return services;
};

const signedInBrowser = async (role: "owner" | "cashier" = "owner") => {
  const browser = browserFetch(() => test);
  const services = page(browser);
  await services.session.getState().signIn({ email: world.staff[role].email, password: world.staff[role].password });
  return { browser, services };
};

beforeAll(async () => {
  test = await createTestApp({
    env: { RATE_LIMIT_PER_MINUTE: "1000" },
    clock: () => new Date(Date.now() + skewMs),
  });
  world = await buildWorld(test);
});

afterEach(() => {
  skewMs = 0;
  for (const services of opened.splice(0)) services.session.getState().dispose();
});

afterAll(() => test.close());

describe("the admin session", () => {
  it("keeps the access token in memory and the refresh token only in the auth path's cookie", async () => {
    const { browser, services } = await signedInBrowser();
    expect(services.session.getState()).toMatchObject({
      status: "signed-in",
      profile: { staff: { role: "owner" }, tenant: { slug: world.slug }, restaurantIds: null },
    });
    expect(services.session.getState().profile?.permissions).toContain("staff.manage");
    expect(browser.cookies.get("maxl_refresh")?.path).toBe("/api/v1/auth");
    expect(browser.csrf()).toBeTruthy();
  });

  it("restores the session from the cookie on page load", async () => {
    const { browser } = await signedInBrowser();

    const reloaded = page(browser);
    expect(reloaded.session.getState().status).toBe("restoring");
    await reloaded.session.getState().restore();
    expect(reloaded.session.getState()).toMatchObject({ status: "signed-in", profile: { staff: { role: "owner" } } });
    expect(reloaded.session.getState().accessToken).toBeTruthy();
    expect(browser.calls.filter((c) => c === "POST /api/v1/auth/refresh")).toHaveLength(1);
  });

  it("without a session cookie, page load goes straight to sign-in", async () => {
    const browser = browserFetch(() => test);
    const services = page(browser);
    await services.session.getState().restore();
    expect(services.session.getState()).toMatchObject({ status: "signed-out", reason: null });
    expect(browser.calls).toEqual([]);
  });

  it("renews a lapsed access token once for calls that notice together, and retries them", async () => {
    const { browser, services } = await signedInBrowser();
    const twentyMinutesAgo = new Date(Date.now() - 20 * 60_000);
    const lapsed = await issueStaffToken(
      { staffId: world.staff.owner.id, tenantId: world.tenantId, role: "owner", generation: 0 },
      test.config.auth.jwtSecret,
      twentyMinutesAgo,
    );
    services.session.setState({ accessToken: lapsed });
    browser.calls.length = 0;

    const [staff, restaurants] = await Promise.all([
      call(services.api.api.v1.staff.$get()),
      call(services.api.api.v1.restaurants.$get()),
    ]);
    expect(staff.items.map((m) => m.role).sort()).toEqual(["admin", "cashier", "manager", "owner"]);
    expect(restaurants.restaurants.map((r) => r.name)).toEqual(["Main hall"]);
    expect(browser.calls.filter((c) => c === "POST /api/v1/auth/refresh")).toHaveLength(1);
    expect(browser.calls.filter((c) => c === "GET /api/v1/staff")).toHaveLength(2);
    expect(services.session.getState().accessToken).not.toBe(lapsed);
  });

  it("a refresh token presented again after rotation ends the session everywhere, with the reason", async () => {
    const { browser, services } = await signedInBrowser();
    const stolen = browser.cookies.get("maxl_refresh");
    if (!stolen) throw new Error("no refresh cookie");
    expect(await services.session.getState().renew()).toBeTruthy();

    // A minute later the old cookie comes back (a copy taken before the rotation): not a race
    // between two tabs any more, but the same token used twice.
    skewMs = 60_000;
    browser.cookies.set("maxl_refresh", stolen);
    expect(await services.session.getState().renew()).toBeNull();
    expect(services.session.getState()).toMatchObject({
      status: "signed-out",
      accessToken: null,
      reason: { messageKey: "session-reused" },
    });

    // The family is closed: even the newest cookie no longer works; a call is refused, not retried forever.
    const again = page(browser);
    await again.session.getState().restore();
    expect(again.session.getState().status).toBe("signed-out");
    await expect(call(services.api.api.v1.staff.$get())).rejects.toMatchObject({ status: 401 });
  });

  it("signing out closes the session: a reload is signed out", async () => {
    const { browser, services } = await signedInBrowser();
    const csrf = browser.csrf();
    await services.session.getState().signOut();
    expect(services.session.getState().status).toBe("signed-out");
    expect(browser.cookies.has("maxl_refresh")).toBe(false);
    const reloaded = createServices({ baseUrl, fetch: browser.fetch, readCsrf: () => csrf });
    opened.push(reloaded);
    await reloaded.session.getState().restore();
    expect(reloaded.session.getState().status).toBe("signed-out");
  });
});
