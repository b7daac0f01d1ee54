// The body limit over a real socket, as @hono/node-server serves it: a declared Content-Length is
// judged by the header (the body then read straight from the socket), a chunked body is counted
// as it arrives. Either way a body over the limit gets 413 and the handler never runs.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bodyLimitByLength } from "../../src/http/body-limit.ts";

let server: ReturnType<typeof serve>;
let port: number;
let handled = 0;

beforeAll(async () => {
  const app = new Hono();
  app.post(
    "/echo",
    bodyLimitByLength({ maxSize: 1024, onError: (c) => c.json({ code: "PAYLOAD_TOO_LARGE" }, 413) }),
    async (c) => {
      handled += 1;
      const body = new Uint8Array(await c.req.arrayBuffer());
      return c.json({ bytes: body.byteLength });
    },
  );
  server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
  await new Promise((resolve) => server.once("listening", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** Posts `size` bytes, with a Content-Length or chunked (written in 100-byte pieces). */
function post(size: number, framing: "length" | "chunked") {
  return new Promise<{ status: number; body: unknown }>((resolve, reject) => {
    const request = http.request(
      {
        host: "127.0.0.1",
        port,
        path: "/echo",
        method: "POST",
        headers: framing === "length" ? { "Content-Length": size } : { "Transfer-Encoding": "chunked" },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) }),
        );
      },
    );
    // The server may answer 413 and close before the whole body is written.
    request.on("error", reject);
    const piece = Buffer.alloc(100, "x");
    for (let sent = 0; sent < size; sent += piece.length) request.write(piece.subarray(0, Math.min(100, size - sent)));
    request.end();
  });
}

describe("bodyLimitByLength", () => {
  it.each(["length", "chunked"] as const)("passes a body within the limit whole (%s)", async (framing) => {
    const before = handled;
    expect(await post(1024, framing)).toEqual({ status: 200, body: { bytes: 1024 } });
    expect(handled).toBe(before + 1);
  });

  it.each(["length", "chunked"] as const)("answers 413 to a body over the limit (%s)", async (framing) => {
    const before = handled;
    const answer = await post(1025, framing);
    expect(answer).toEqual({ status: 413, body: { code: "PAYLOAD_TOO_LARGE" } });
    // A declared length is refused from the header, a chunked body as it streams: never handled.
    expect(handled).toBe(before);
  });

  it("passes an empty body", async () => {
    expect(await post(0, "length")).toEqual({ status: 200, body: { bytes: 0 } });
  });
});
