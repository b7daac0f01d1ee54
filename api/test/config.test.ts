import { ConfigError } from "@maxl/shared";
import { describe, expect, it } from "vitest";
import { loadApiConfig } from "../src/config.ts";
import { testEnv } from "./support.ts";

describe("API configuration", () => {
  it("reads a complete environment into typed settings with documented defaults", () => {
    const config = loadApiConfig({ ...testEnv(), PORT: "8080", CORS_ORIGINS: "https://a.example, https://b.example" });
    expect(config.http).toEqual({
      port: 8080,
      host: "0.0.0.0",
      corsOrigins: ["https://a.example", "https://b.example"],
      bodyLimitBytes: 1_048_576,
      trustProxy: expect.objectContaining({ description: "false" }),
    });
    expect(config.rateLimit.perMinute).toBe(100);
    expect(config.encryptionKey).toHaveLength(32);
  });

  it("lists every missing variable by name", () => {
    expect(() => loadApiConfig({})).toThrow(ConfigError);
    expect(() => loadApiConfig({})).toThrow(
      /DATABASE_URL: is not set\n {2}- REDIS_URL: is not set\n {2}- APP_ENCRYPTION_KEY: is not set/,
    );
  });

  it("explains each wrong value", () => {
    const attempt = () =>
      loadApiConfig({
        ...testEnv(),
        PORT: "eighty",
        DATABASE_URL: "mysql://localhost/db",
        APP_ENCRYPTION_KEY: "too-short",
        TRUST_PROXY: "maybe",
      });
    expect(attempt).toThrow(/- PORT: /);
    expect(attempt).toThrow(/- DATABASE_URL: must be a postgresql:\/\/ URL/);
    expect(attempt).toThrow(/- APP_ENCRYPTION_KEY: must be 32 bytes as base64 or hex/);
    expect(attempt).toThrow(/- TRUST_PROXY: must be true, false, or comma-separated proxy addresses/);
  });
});
