import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, env, parseEnv } from "./env.ts";

const schema = z.object({
  DATABASE_URL: env.postgresUrl,
  REDIS_URL: env.redisUrl,
  PORT: env.port.default(3000),
  TRUST_PROXY: env.flag.default(false),
  CORS_ORIGINS: env.list.default([]),
});

describe("parseEnv", () => {
  it("parses values and fills defaults", () => {
    expect(
      parseEnv(schema, {
        DATABASE_URL: "postgresql://u:p@db:5432/x",
        REDIS_URL: "redis://cache:6379/0",
        TRUST_PROXY: "yes",
        CORS_ORIGINS: "https://a.example, ,https://b.example",
      }),
    ).toEqual({
      DATABASE_URL: "postgresql://u:p@db:5432/x",
      REDIS_URL: "redis://cache:6379/0",
      PORT: 3000,
      TRUST_PROXY: true,
      CORS_ORIGINS: ["https://a.example", "https://b.example"],
    });
  });

  it("reads an empty value as unset, so the default applies", () => {
    const parsed = parseEnv(schema, {
      DATABASE_URL: "postgresql://u:p@db:5432/x",
      REDIS_URL: "redis://cache:6379/0",
      PORT: "",
      TRUST_PROXY: "",
    });
    expect(parsed.PORT).toBe(3000);
    expect(parsed.TRUST_PROXY).toBe(false);
    expect(() => parseEnv(schema, { DATABASE_URL: "", REDIS_URL: "redis://cache:6379/0" })).toThrow(
      /DATABASE_URL: is not set/,
    );
  });

  it("reports every problem on its own line, naming the variable", () => {
    let message = "";
    try {
      parseEnv(schema, { DATABASE_URL: "mysql://x/y", PORT: "70000", TRUST_PROXY: "perhaps" });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message.split("\n")).toEqual([
      "Invalid configuration:",
      "  - DATABASE_URL: must be a postgresql:// URL",
      "  - REDIS_URL: is not set",
      expect.stringMatching(/^ {2}- PORT: .*65535/),
      "  - TRUST_PROXY: must be true or false",
      "See .env.example and docs/configuration.md.",
    ]);
  });
});
