// One log line per request, with its id, and a child logger on the context so everything the
// request logs carries the same id.
import type { MiddlewareHandler } from "hono";
import type { Logger } from "../runtime/logger.ts";
import type { AppEnv } from "./context.ts";

// r_keeper's FarCards DLL can only send its secret in the path; it must not reach the logs.
const PATH_SECRETS = /(\/rkeeper\/)[^/]+/;

export function loggablePath(path: string): string {
  return path.replace(PATH_SECRETS, "$1***");
}

export function requestLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const log = logger.child({ requestId: c.get("requestId") });
    c.set("log", log);
    await next();
    const status = c.res.status;
    const line = {
      method: c.req.method,
      path: loggablePath(c.req.path),
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      principal: c.get("principal"),
    };
    if (status >= 500) log.error(line, "request failed");
    else log.info(line, "request");
  };
}
