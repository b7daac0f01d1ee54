// Who is calling: the socket's peer, or behind trusted reverse proxies the client they name in
// X-Forwarded-For. The same answer serves the rate limit's key, audit rows and YooKassa's
// notification allow-list, so it must not be something a client can pick.
//
// A proxy such as nginx with `$proxy_add_x_forwarded_for` APPENDS the address it saw to whatever
// the client sent, so only the right-most entries are written by proxies we run; the left-most is
// the client's own word. The header is therefore read only when the socket's peer is a trusted
// proxy, from the right, skipping trusted proxies, and the first address that is not one is the
// client (the way Express's proxy-addr reads it).
//
// TRUST_PROXY: `false` or empty (nobody is trusted: the header is ignored), `true` (the immediate
// peer is a trusted proxy, whatever its address: one hop, as before lists existed), or a
// comma-separated list of proxy addresses and CIDR ranges, IPv4 and IPv6.
import { BlockList, isIP } from "node:net";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";

export interface TrustedProxies {
  /** the setting as given, for messages */
  readonly description: string;
  /** whether the address seen at `hop` (0: the socket's peer, 1: the right-most header entry...) is a trusted proxy */
  trusts(address: string, hop: number): boolean;
}

/** "::ffff:1.2.3.4" (IPv4 on a dual-stack socket) is 1.2.3.4; "[::1]" is ::1. */
export function plainAddress(raw: string): string {
  let address = raw.trim();
  if (address.startsWith("[") && address.includes("]")) address = address.slice(1, address.indexOf("]"));
  const lower = address.toLowerCase();
  if (lower.startsWith("::ffff:") && isIP(address.slice(7)) === 4) return address.slice(7);
  return address;
}

/** Addresses and CIDR ranges as one list, or the entries that are neither. */
export function parseAddressList(entries: readonly string[]): { list: BlockList; invalid: string[] } {
  const list = new BlockList();
  const invalid: string[] = [];
  for (const entry of entries) {
    const [address = "", bits, extra] = entry.split("/");
    const family = isIP(address);
    const prefix = Number(bits);
    if (family === 0 || extra !== undefined) {
      invalid.push(entry);
    } else if (bits === undefined) {
      list.addAddress(address, family === 6 ? "ipv6" : "ipv4");
    } else if (!/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)) {
      invalid.push(entry);
    } else {
      list.addSubnet(address, prefix, family === 6 ? "ipv6" : "ipv4");
    }
  }
  return { list, invalid };
}

export function listContains(list: BlockList, raw: string): boolean {
  const address = plainAddress(raw);
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 6 ? "ipv6" : "ipv4");
}

export const trustNoProxy: TrustedProxies = { description: "false", trusts: () => false };

/** TRUST_PROXY's value as trusted proxies; throws with the entries that are not addresses or ranges. */
export function trustedProxiesFrom(setting: string): TrustedProxies {
  const value = setting.trim();
  if (value === "" || /^(false|0|no)$/i.test(value)) return trustNoProxy;
  if (/^(true|1|yes)$/i.test(value)) return { description: "true", trusts: (_address, hop) => hop === 0 };
  const entries = value
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const { list, invalid } = parseAddressList(entries);
  if (invalid.length > 0) throw new Error(`not addresses or CIDR ranges: ${invalid.join(", ")}`);
  return { description: entries.join(", "), trusts: (address) => listContains(list, address) };
}

/** The client's address from the socket's peer and the X-Forwarded-For header, per `trusted`. */
export function clientAddress(peer: string, forwardedFor: string | undefined, trusted: TrustedProxies): string {
  const socketPeer = plainAddress(peer);
  if (!forwardedFor || !trusted.trusts(socketPeer, 0)) return socketPeer;
  const hops = forwardedFor
    .split(",")
    .map((entry) => plainAddress(entry))
    .filter(Boolean);
  let nearest = socketPeer;
  for (let index = hops.length - 1, hop = 1; index >= 0; index--, hop++) {
    const address = hops[index] as string;
    // not an address: written by someone we do not trust; the last trusted hop is all we know
    if (isIP(address) === 0) return nearest;
    if (!trusted.trusts(address, hop)) return address;
    nearest = address;
  }
  // every hop a trusted proxy: the farthest one is the caller
  return nearest;
}

export function clientIp(c: Context, trusted: TrustedProxies): string {
  let peer = "unknown";
  try {
    peer = getConnInfo(c).remote.address ?? "unknown";
  } catch {
    // app.request() in tests has no socket
  }
  return clientAddress(peer, c.req.header("x-forwarded-for"), trusted);
}
