// Structured JSON logs (pino). Secrets never reach a log line: credentials in headers and any
// field named like a token, password or secret are redacted wherever they appear.
import pino, { type Logger } from "pino";

export type { Logger };

export interface LoggerOptions {
  service: string;
  level: string;
  /** human-readable lines for a developer's terminal */
  pretty?: boolean;
}

export function createLogger({ service, level, pretty = false }: LoggerOptions): Logger {
  return pino({
    level,
    base: { service },
    redact: {
      paths: [
        "headers.authorization",
        "headers.cookie",
        'headers["x-signature"]',
        "*.token",
        "*.password",
        "*.secret",
        "*.botToken",
        "*.initData",
      ],
      censor: "[redacted]",
    },
    ...(pretty ? { transport: { target: "pino-pretty", options: { translateTime: "SYS:HH:MM:ss.l" } } } : {}),
  });
}
