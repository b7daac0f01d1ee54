// Who the caller is, behind proxies or not: X-Forwarded-For counts only when the socket's peer is
// a trusted proxy (TRUST_PROXY), read from the right, skipping trusted proxies. nginx's
// `$proxy_add_x_forwarded_for` appends what it saw to what the client sent, so a client naming a
// YooKassa address at the left must not get through the notification allow-list, and must not
// pick its own rate-limit bucket or audit address.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadApiConfig } from "../src/config.ts";
import { clientAddress, trustedProxiesFrom, trustNoProxy } from "../src/http/client-ip.ts";
import { createTestApp, type TestApp, testEnv } from "./support.ts";

const YOOKASSA = "185.71.76.10";
const ATTACKER = "203.0.113.7";

describe("the client's address", () => {
  const list = trustedProxiesFrom("10.0.0.0/8, fd00::/8, 192.0.2.1");
  const peerOnly = trustedProxiesFrom("true");

  it("ignores X-Forwarded-For when no proxy is trusted", () => {
    for (const setting of ["false", "", "0", " no "]) {
      expect(clientAddress(ATTACKER, YOOKASSA, trustedProxiesFrom(setting))).toBe(ATTACKER);
    }
    expect(clientAddress(ATTACKER, YOOKASSA, trustNoProxy)).toBe(ATTACKER);
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", () => {
    expect(clientAddress(ATTACKER, YOOKASSA, list)).toBe(ATTACKER);
  });

  it("takes the right-most address that is not a trusted proxy, so a spoofed left-most entry counts for nothing", () => {
    // the client sent "X-Forwarded-For: 185.71.76.10"; nginx appended what it saw
    expect(clientAddress("10.0.0.2", `${YOOKASSA}, ${ATTACKER}`, list)).toBe(ATTACKER);
    expect(clientAddress("10.0.0.2", `${YOOKASSA}, ${ATTACKER}, 10.0.0.9`, list)).toBe(ATTACKER);
    // YooKassa itself through two of our proxies
    expect(clientAddress("10.0.0.2", `${YOOKASSA}, 192.0.2.1`, list)).toBe(YOOKASSA);
    // `true`: only the immediate peer is a proxy, so the right-most entry is the client
    expect(clientAddress("172.17.0.1", `${YOOKASSA}, ${ATTACKER}`, peerOnly)).toBe(ATTACKER);
    expect(clientAddress("172.17.0.1", YOOKASSA, peerOnly)).toBe(YOOKASSA);
    // every hop a proxy of ours: the farthest one
    expect(clientAddress("10.0.0.2", "10.0.0.3, 10.0.0.4", list)).toBe("10.0.0.3");
    // rubbish where an address should be: the last trusted hop is all that is known
    expect(clientAddress("10.0.0.2", `${YOOKASSA}, not-an-ip`, list)).toBe("10.0.0.2");
    expect(clientAddress("10.0.0.2", undefined, list)).toBe("10.0.0.2");
  });

  it("reads IPv6, bracketed and IPv4-mapped (::ffff:) addresses as the addresses they are", () => {
    expect(clientAddress("::ffff:10.0.0.2", YOOKASSA, list)).toBe(YOOKASSA);
    expect(clientAddress("::ffff:10.0.0.2", `::ffff:${YOOKASSA}`, list)).toBe(YOOKASSA);
    expect(clientAddress("fd00::1", "2a02:5180::1", list)).toBe("2a02:5180::1");
    expect(clientAddress("fd00::1", "[2a02:5180::7], fd00::2", list)).toBe("2a02:5180::7");
    expect(clientAddress("::ffff:203.0.113.7", YOOKASSA, list)).toBe(ATTACKER);
    expect(clientAddress("2001:db8::1", YOOKASSA, list)).toBe("2001:db8::1");
  });

  it("is configured as false, true, or addresses and ranges, and anything else is refused with a clear message", () => {
    const config = (TRUST_PROXY: string) => loadApiConfig({ ...testEnv(), TRUST_PROXY }).http.trustProxy;
    expect(config("10.0.0.0/8,::1").description).toBe("10.0.0.0/8, ::1");
    expect(config("true").description).toBe("true");
    expect(config("").description).toBe("false");
    expect(() => config("10.0.0.0/33")).toThrow(
      /TRUST_PROXY: must be true, false, or comma-separated proxy addresses and CIDR ranges/,
    );
    expect(() => config("proxy.local")).toThrow(/TRUST_PROXY/);
  });
});

describe("through a trusted proxy", () => {
  let test: TestApp;
  let direct: TestApp;

  beforeAll(async () => {
    const env = {
      // stored notifications are settled by the workers; nothing here asks YooKassa
      YOOKASSA_SHOP_ID: "100500",
      YOOKASSA_SECRET_KEY: "test_unused",
      YOOKASSA_API_URL: "http://127.0.0.1:1/v3",
      RATE_LIMIT_PER_MINUTE: "3",
    };
    test = await createTestApp({ env: { ...env, TRUST_PROXY: "10.0.0.0/8, fd00::/8" } });
    direct = await createTestApp({ env: { ...env, TRUST_PROXY: "false" } });
  });
  afterAll(async () => {
    await Promise.all([test.close(), direct.close()]);
  });

  /** A request as node-server hands it over from a socket whose peer is `peer`. */
  const notify = async (app: TestApp, peer: string, forwardedFor?: string) => {
    const objectId = randomUUID();
    const response = await app.app.request(
      "/api/v1/billing/yookassa/notifications",
      {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          ...(forwardedFor ? { "X-Forwarded-For": forwardedFor } : {}),
        },
        body: JSON.stringify({ type: "notification", event: "payment.succeeded", object: { id: objectId } }),
      },
      { incoming: { socket: { remoteAddress: peer } } },
    );
    return { status: response.status, objectId };
  };

  const storedSource = async (app: TestApp, objectId: string) =>
    app.db.withoutTenant(async (client) => {
      const { rows } = await client.query<{ source_ip: string }>(
        "SELECT source_ip FROM billing_notifications WHERE object_id = $1",
        [objectId],
      );
      return rows.map((row) => row.source_ip);
    });

  it("accepts YooKassa's notification and stores the sender's address", async () => {
    const accepted = await notify(test, "10.0.0.2", YOOKASSA);
    expect(accepted.status).toBe(200);
    expect(await storedSource(test, accepted.objectId)).toEqual([YOOKASSA]);
    expect((await notify(test, "::ffff:10.0.0.2", `${YOOKASSA}, 10.0.0.3`)).status).toBe(200);
    expect((await notify(test, "fd00::1", "2a02:5180::1")).status).toBe(200);
  });

  it("refuses a sender that names YooKassa's address at the left of the header", async () => {
    const spoofed = await notify(test, "10.0.0.2", `${YOOKASSA}, ${ATTACKER}`);
    expect(spoofed.status).toBe(403);
    expect(await storedSource(test, spoofed.objectId)).toEqual([]);
    expect((await notify(test, "fd00::1", `${YOOKASSA}, 2001:db8::5`)).status).toBe(403);
  });

  it("ignores the header from a peer that is not a trusted proxy, or when no proxy is trusted", async () => {
    expect((await notify(test, ATTACKER, YOOKASSA)).status).toBe(403);
    expect((await notify(direct, ATTACKER, YOOKASSA)).status).toBe(403);
    expect((await notify(direct, `::ffff:${YOOKASSA}`, ATTACKER)).status).toBe(200);
  });

  it("gives each client behind the proxy its own rate-limit budget, which rotating the left-most entry does not escape", async () => {
    const call = async (forwardedFor: string) => {
      const response = await test.app.request(
        "/api/v1/openapi.json",
        { headers: { "X-Forwarded-For": forwardedFor } },
        { incoming: { socket: { remoteAddress: "10.0.0.2" } } },
      );
      return response.status;
    };
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await call(`198.51.100.${i}, 192.0.2.55`));
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(await call("192.0.2.56")).toBe(200);
  });
});
