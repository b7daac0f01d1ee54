// Every error is RFC 9457 problem+json with the request id; validation names each bad field;
// nothing internal leaks.
import { createRoute, z } from "@hono/zod-openapi";
import { ServiceError } from "@maxl/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./support.ts";

let test: TestApp;

beforeAll(async () => {
  test = await createTestApp({ env: { BODY_LIMIT_BYTES: "1024" } });
  // Routes of the kind later modules add, to exercise the shared error path end to end.
  test.app.openapi(
    createRoute({
      method: "post",
      path: "/api/v1/test/echo",
      request: {
        body: {
          content: {
            "application/json": {
              schema: z.object({ name: z.string().min(2), amountMinor: z.number().int().positive() }),
            },
          },
        },
      },
      responses: {
        200: { description: "echo", content: { "application/json": { schema: z.object({ name: z.string() }) } } },
      },
    }),
    (c) => c.json({ name: c.req.valid("json").name }, 200),
  );
  test.app.get("/api/v1/test/conflict", () => {
    throw new ServiceError("CONFLICT", "The guest's balance changed; quote again.", { details: { available: 120 } });
  });
  test.app.get("/api/v1/test/crash", () => {
    throw new Error("connection string postgresql://secret@db leaked");
  });
});

afterAll(() => test.close());

const post = (body: string, headers: Record<string, string> = {}) =>
  test.app.request("/api/v1/test/echo", {
    method: "POST",
    body,
    headers: { "Content-Type": "application/json", ...headers },
  });

describe("problem responses", () => {
  it("answers an unknown route with 404 problem+json carrying the request id", async () => {
    const response = await test.app.request("/api/v1/nowhere");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const body = await response.json();
    expect(body).toEqual({
      type: "/problems/not-found",
      title: "Not found",
      status: 404,
      detail: "There is no GET /api/v1/nowhere in this API.",
      instance: "/api/v1/nowhere",
      code: "NOT_FOUND",
      requestId: response.headers.get("x-request-id"),
    });
  });

  it("keeps a request id the caller sent", async () => {
    const response = await test.app.request("/healthz", { headers: { "X-Request-Id": "till-42-abc" } });
    expect(response.headers.get("x-request-id")).toBe("till-42-abc");
  });

  it("names every invalid field with its own message (422)", async () => {
    const response = await post(JSON.stringify({ name: "x", amountMinor: -5 }));
    expect(response.status).toBe(422);
    const body = (await response.json()) as { errors: unknown; detail: string };
    expect(body).toMatchObject({ code: "VALIDATION", status: 422, type: "/problems/validation" });
    // Each with the kind of mistake as a key and its values, for the admin view's languages.
    expect(body.errors).toEqual([
      {
        path: "name",
        message: expect.stringMatching(/2/),
        messageKey: "field-too-short",
        messageVars: { minimum: 2 },
      },
      {
        path: "amountMinor",
        message: expect.stringMatching(/>0|positive|greater/i),
        messageKey: "field-more-than",
        messageVars: { minimum: 0 },
      },
    ]);
    expect(body.detail).toMatch(/^The request body has 2 invalid values: name: .+; amountMinor: .+\.$/);
  });

  it("says a missing field is required and a fraction is not a whole number", async () => {
    const response = await post(JSON.stringify({ amountMinor: 1.5 }));
    expect(response.status).toBe(422);
    const body = (await response.json()) as { errors: unknown };
    expect(body.errors).toEqual([
      { path: "name", message: expect.any(String), messageKey: "field-required" },
      { path: "amountMinor", message: expect.any(String), messageKey: "field-whole-number" },
    ]);
  });

  it("answers a body that is not JSON with 400 problem+json", async () => {
    const response = await post("{not json");
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({ status: 400, code: "VALIDATION" });
  });

  it("refuses a body over the configured limit with 413", async () => {
    const response = await post(JSON.stringify({ name: "x".repeat(2048), amountMinor: 1 }));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      detail: "The request body is larger than 1024 bytes.",
    });
  });

  it("maps a domain error to its status, message and extension members", async () => {
    const response = await test.app.request("/api/v1/test/conflict");
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({
      code: "CONFLICT",
      detail: "The guest's balance changed; quote again.",
      available: 120,
    });
  });

  it("answers an unexpected failure with a generic 500 that leaks nothing", async () => {
    const response = await test.app.request("/api/v1/test/crash");
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain("postgresql://");
    expect(JSON.parse(text)).toMatchObject({ status: 500, requestId: response.headers.get("x-request-id") });
  });
});

describe("CORS", () => {
  it("allows the configured origin and no other", async () => {
    const allowed = await test.app.request("/healthz", { headers: { Origin: "http://localhost:5173" } });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    const other = await test.app.request("/healthz", { headers: { Origin: "https://evil.example" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });
});
