// iikoCloud API as far as polling needs it, answered in iiko's own format: POST
// /api/1/access_token (a token for the one apiLogin it knows, 401 with iiko's error body for any
// other) and POST /api/1/deliveries/by_revision (a live Bearer token or 401; the orders changed
// after startRevision and the maxRevision to ask from next). Every added or changed order takes
// the next revision, as in iikoTransport. Listens on 127.0.0.1 at a free port.
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeIikoOptions {
  /** the apiLogin iiko accepts; a fixed test value unless given */
  apiLogin?: string;
}

export interface FakeIikoRequest {
  path: string;
  authorization: string | undefined;
  body: unknown;
}

export interface FakeIiko {
  url: string;
  apiLogin: string;
  /** stores or replaces the order (by its id) at the next revision; returns that revision */
  addOrder(organizationId: string, orderInfo: unknown): number;
  /** access tokens handed out so far */
  readonly tokensIssued: number;
  /** every request received, in order */
  readonly requests: FakeIikoRequest[];
  /** makes every token handed out so far invalid, as an hour passing would */
  expireTokens(): void;
  close(): Promise<void>;
}

interface StoredOrder {
  organizationId: string;
  revision: number;
  orderInfo: unknown;
}

export async function startFakeIiko(options: FakeIikoOptions = {}): Promise<FakeIiko> {
  const apiLogin = options.apiLogin ?? "fake-iiko-api-login";
  const liveTokens = new Set<string>();
  const orders = new Map<string, StoredOrder>();
  const requests: FakeIikoRequest[] = [];
  let tokensIssued = 0;
  let revision = 0;

  const server = createServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { "Content-Type": "application/json; charset=utf-8" });
      response.end(JSON.stringify(body));
    };
    const error = (status: number, errorDescription: string) =>
      send(status, { correlationId: randomUUID(), errorDescription, error: null });

    void readJson(request).then((body) => {
      const path = new URL(request.url ?? "/", "http://fake").pathname;
      requests.push({ path, authorization: request.headers.authorization, body });
      if (request.method !== "POST") return error(404, "Not found");
      if (body === undefined) return error(400, "The request body is not valid JSON");

      if (path === "/api/1/access_token") {
        const login = field(body, "apiLogin");
        if (login !== apiLogin) return error(401, `Login ${String(login)} is not authorized`);
        const token = randomBytes(24).toString("base64url");
        liveTokens.add(token);
        tokensIssued += 1;
        return send(200, { correlationId: randomUUID(), token });
      }

      if (path === "/api/1/deliveries/by_revision") {
        const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
        if (!token || !liveTokens.has(token)) return error(401, "Unauthorized: the token is expired or invalid");
        const startRevision = field(body, "startRevision");
        const organizationIds = field(body, "organizationIds");
        if (typeof startRevision !== "number" || !Array.isArray(organizationIds) || organizationIds.length === 0) {
          return error(400, "startRevision and a non-empty organizationIds are required");
        }
        const changed = [...orders.values()].filter((stored) => stored.revision > startRevision);
        return send(200, {
          correlationId: randomUUID(),
          maxRevision: revision,
          ordersByOrganizations: organizationIds.map((organizationId) => ({
            organizationId,
            orders: changed
              .filter((stored) => stored.organizationId === organizationId)
              .map((stored) => stored.orderInfo),
          })),
        });
      }
      return error(404, "Not found");
    });
  });
  await listen(server);
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiLogin,
    addOrder(organizationId, orderInfo) {
      revision += 1;
      const id = field(orderInfo, "id");
      orders.set(typeof id === "string" ? id : `revision-${revision}`, { organizationId, revision, orderInfo });
      return revision;
    },
    get tokensIssued() {
      return tokensIssued;
    },
    requests,
    expireTokens() {
      liveTokens.clear();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((closeError) => (closeError ? reject(closeError) : resolve()));
        // fetch keeps connections alive; without this, close() waits for them to time out.
        server.closeAllConnections();
      }),
  };
}

function field(value: unknown, name: string): unknown {
  return value && typeof value === "object" && name in value ? (value as Record<string, unknown>)[name] : undefined;
}

/** The request's JSON body; undefined when it is not JSON. */
function readJson(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch {
        resolve(undefined);
      }
    });
  });
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
}
