// The answers index.html asks for before the app has loaded are taken once, and only by an app
// launched with the same launch data for the same business.
import { describe, expect, it } from "vitest";
import { takeEarlyRequest } from "../src/api/early-requests.ts";

const launch = { initData: "query_id=1&hash=abc", tenant: "demo" };
const holder = () => ({
  __maxlEarly: {
    ...launch,
    card: Promise.resolve(new Response('{"balance":1}')),
    profile: Promise.resolve(new Response("{}")),
  },
});

describe("early requests", () => {
  it("hands each answer over once", async () => {
    const window = holder();
    const card = takeEarlyRequest("card", launch, window);
    expect(await (await card)?.json()).toEqual({ balance: 1 });
    expect(takeEarlyRequest("card", launch, window)).toBeNull();
    expect(takeEarlyRequest("profile", launch, window)).not.toBeNull();
  });

  it("ignores answers asked with other launch data or for another business", () => {
    const window = holder();
    expect(takeEarlyRequest("card", { ...launch, initData: "query_id=2&hash=def" }, window)).toBeNull();
    expect(takeEarlyRequest("card", { ...launch, tenant: "other" }, window)).toBeNull();
    expect(takeEarlyRequest("card", launch, window)).not.toBeNull();
  });

  it("has nothing to give when index.html started nothing", () => {
    expect(takeEarlyRequest("card", launch, {})).toBeNull();
  });
});
