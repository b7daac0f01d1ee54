// Hono's bodyLimit, minus its cost on the common request. Hono reads `c.req.raw.body` first, and
// under @hono/node-server that turns the request into a full web Request (a web stream over the
// socket, an AbortController) even when a Content-Length settles the question. Node's HTTP parser
// delivers no more than Content-Length bytes, so a request that declares it is judged by the
// header and its body is later read straight from the socket; only a body without a declared
// length (chunked) is counted by Hono as it streams in.
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";

export interface BodyLimit {
  maxSize: number;
  /** the answer to a body over the limit */
  onError: (c: Context) => Response | Promise<Response>;
}

export function bodyLimitByLength(options: BodyLimit): MiddlewareHandler {
  const streaming = bodyLimit(options);
  return async (c, next) => {
    const length = c.req.header("content-length");
    if (length === undefined || c.req.header("transfer-encoding") !== undefined) return streaming(c, next);
    const declared = Number(length);
    if (!Number.isSafeInteger(declared) || declared < 0) return streaming(c, next);
    if (declared > options.maxSize) return options.onError(c);
    await next();
  };
}
