// Environment variables are parsed once, at start-up, by each process's own zod schema built
// from the pieces below. parseEnv turns every problem into one line naming the variable, so a
// wrong setting reads as a to-do list rather than a stack trace.
import { z } from "zod";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export function parseEnv<Schema extends z.ZodType>(
  schema: Schema,
  env: Record<string, string | undefined>,
): z.infer<Schema> {
  // "NAME=" in a .env file means "not set": the variable's default applies.
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const result = schema.safeParse(given);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join(".") || "(environment)";
    const value = env[name];
    const problem = value === undefined || value === "" ? "is not set" : issue.message;
    return `  - ${name}: ${problem}`;
  });
  throw new ConfigError(
    `Invalid configuration:\n${[...new Set(lines)].join("\n")}\nSee .env.example and docs/configuration.md.`,
  );
}

// A scheme and something after "//"; the services' clients report anything subtler with the
// variable's name at start-up.
function hasProtocol(value: string, protocols: string[]): boolean {
  const match = /^([a-z][a-z0-9+.-]*:)\/\/\S+$/i.exec(value);
  return match?.[1] !== undefined && protocols.includes(match[1].toLowerCase());
}

export const env = {
  postgresUrl: z
    .string()
    .min(1)
    .refine((value) => hasProtocol(value, ["postgres:", "postgresql:"]), {
      message: "must be a postgresql:// URL",
    }),
  redisUrl: z
    .string()
    .min(1)
    .refine((value) => hasProtocol(value, ["redis:", "rediss:"]), {
      message: "must be a redis:// or rediss:// URL",
    }),
  httpUrl: z
    .string()
    .min(1)
    .refine((value) => hasProtocol(value, ["http:", "https:"]), {
      message: "must be an http:// or https:// URL",
    }),
  flag: z
    .string()
    .regex(/^(true|false|1|0|yes|no)$/i, { message: "must be true or false" })
    .transform((value) => /^(true|1|yes)$/i.test(value)),
  port: z.coerce.number().int().min(1).max(65_535),
  positiveInt: z.coerce.number().int().positive(),
  nonNegativeInt: z.coerce.number().int().min(0),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
  nodeEnv: z.enum(["development", "test", "production"]),
  /** comma-separated list */
  list: z.string().transform((value) =>
    value
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean),
  ),
};
