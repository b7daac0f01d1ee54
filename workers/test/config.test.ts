// The workers' settings: the encryption key (the notifications open the tenants' bot tokens with
// it) is required, and Telegram's address defaults to the real one.
import { ConfigError } from "@maxl/shared";
import { describe, expect, it } from "vitest";
import { loadWorkersConfig } from "../src/config.ts";

const complete = {
  DATABASE_URL: "postgresql://maxl_app:maxl_app@127.0.0.1:5432/maxloyalty",
  DATABASE_PLATFORM_URL: "postgresql://maxl_platform:maxl_platform@127.0.0.1:5432/maxloyalty",
  REDIS_URL: "redis://127.0.0.1:6379/0",
  APP_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
};

describe("workers configuration", () => {
  it("reads the encryption key and sends to api.telegram.org unless told otherwise", () => {
    const config = loadWorkersConfig(complete);
    expect(config.encryptionKey).toEqual(Buffer.alloc(32, 7));
    expect(config.telegramApiRoot).toBe("https://api.telegram.org");
    expect(loadWorkersConfig({ ...complete, TELEGRAM_API_ROOT: "http://127.0.0.1:8081/" }).telegramApiRoot).toBe(
      "http://127.0.0.1:8081",
    );
  });

  it("refuses to start without a usable encryption key", () => {
    const { APP_ENCRYPTION_KEY: _unused, ...withoutKey } = complete;
    expect(() => loadWorkersConfig(withoutKey)).toThrow(ConfigError);
    expect(() => loadWorkersConfig(withoutKey)).toThrow(/- APP_ENCRYPTION_KEY: is not set/);
    expect(() => loadWorkersConfig({ ...complete, APP_ENCRYPTION_KEY: "too-short" })).toThrow(
      /- APP_ENCRYPTION_KEY: must be 32 bytes as base64 or hex/,
    );
  });
});
