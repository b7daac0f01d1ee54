import { describe, expect, it } from "vitest";
import { pathOf, routeFor } from "../src/app/routes.ts";

describe("the app's paths", () => {
  it("name the fixed screens, with or without a trailing slash", () => {
    expect(routeFor("/")).toBe("card");
    expect(routeFor("/events")).toBe("events");
    expect(routeFor("/events/")).toBe("events");
    expect(routeFor("/till")).toBe("till");
  });

  it("carry an event's id, and nothing else fits the event's path", () => {
    expect(routeFor("/events/0196f3c2-7d1e-7a4b-9c3d-2f1e0d9c8b7a")).toBe("event");
    expect(routeFor("/events/a/b")).toBe("card");
    expect(routeFor("/unknown")).toBe("card");
  });

  it("write an event's path with its id, encoded", () => {
    expect(pathOf("event", { eventId: "0196f3c2-7d1e" })).toBe("/events/0196f3c2-7d1e");
    expect(pathOf("event", { eventId: "a/b" })).toBe("/events/a%2Fb");
    expect(pathOf("history")).toBe("/history");
  });
});
