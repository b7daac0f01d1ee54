import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./support.ts";

let test: TestApp;
beforeAll(async () => {
  test = await createTestApp();
});
afterAll(() => test.close());

describe("API documentation", () => {
  it("describes the API as OpenAPI 3.1, health endpoints included", async () => {
    const response = await test.app.request("/api/v1/openapi.json");
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, { content: object }> }>>;
    };
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(["/healthz", "/readyz"]));
    expect(document.paths["/readyz"]?.get?.responses["503"]?.content).toHaveProperty(["application/problem+json"]);
  });

  it("serves a human docs page whose scripts come from this server", async () => {
    const page = await test.app.request("/api/v1/docs");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('src="/api/v1/docs/assets/swagger-ui-bundle.js"');
    const bundle = await test.app.request("/api/v1/docs/assets/swagger-ui-bundle.js");
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get("content-type")).toContain("text/javascript");
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
    expect((await test.app.request("/api/v1/docs/assets/secrets.txt")).status).toBe(404);
  });

  it("explains each problem type at its type URI", async () => {
    const page = await test.app.request("/problems/rate-limited");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Retry-After");
    expect((await test.app.request("/problems/no-such-problem")).status).toBe(404);
  });
});
