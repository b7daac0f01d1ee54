// YooKassa's HTTP notifications, as received. They carry no signature, so two things stand in:
// the sender must be one of YooKassa's published addresses (YOOKASSA_ALLOWED_IPS), and nothing
// is ever done on a notification's word: the workers fetch the payment or refund from YooKassa's
// API by id and act on that (process-notification.ts). Here a notification is only stored, in
// one statement, before the 200 (ARCHITECTURE.md invariant 6); the workers' relay takes it from
// the table, so it waits out a Redis outage there.
import { BlockList, isIP } from "node:net";
import type { Db } from "@maxl/db";
import { uuidv7 } from "uuidv7";
import { z } from "zod";

/** The events billing acts on; anything else YooKassa may send is stored as ignored. */
export const handledBillingEvents = [
  "payment.succeeded",
  "payment.waiting_for_capture",
  "payment.canceled",
  "refund.succeeded",
] as const;

export const yookassaNotificationSchema = z.looseObject({
  type: z.literal("notification", { error: 'must be "notification"' }),
  event: z
    .string({ error: "is required" })
    .regex(/^[a-z_]+\.[a-z_]+$/, { message: "must look like payment.succeeded" }),
  object: z.looseObject({ id: z.string({ error: "is required" }).min(1).max(100) }, { error: "is required" }),
});
export type YooKassaNotification = z.infer<typeof yookassaNotificationSchema>;

export interface SourceAllowList {
  allows(ip: string): boolean;
}

/** Addresses and CIDR ranges, IPv4 and IPv6; "::ffff:1.2.3.4" (IPv4 on a dual-stack socket) counts as 1.2.3.4. */
export function createSourceAllowList(entries: readonly string[]): SourceAllowList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", bits] = entry.split("/");
    const family = isIP(address);
    if (family === 0) throw new Error(`YOOKASSA_ALLOWED_IPS: "${entry}" is not an address or CIDR range`);
    const type = family === 6 ? "ipv6" : "ipv4";
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return {
    allows(ip) {
      const plain = ip.startsWith("::ffff:") && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
      const family = isIP(plain);
      if (family === 0) return false;
      return list.check(plain, family === 6 ? "ipv6" : "ipv4");
    },
  };
}

export interface StoredNotification {
  id: string | null;
  /** false: the same event for the same object was already in the inbox */
  stored: boolean;
  status: "received" | "ignored" | null;
}

/** Writes the notification to billing_notifications; a repeat (same event and object) changes nothing. */
export async function storeBillingNotification(
  db: Db,
  notification: YooKassaNotification,
  sourceIp: string,
): Promise<StoredNotification> {
  const status = (handledBillingEvents as readonly string[]).includes(notification.event) ? "received" : "ignored";
  const { rows } = await db.withoutTenant((client) =>
    client.query<{ id: string }>(
      `INSERT INTO billing_notifications (id, event, object_id, payload, source_ip, status, processed_at)
       VALUES ($6::uuid, $1, $2, $3::jsonb, $4, $5, CASE WHEN $5 = 'ignored' THEN now() END)
       ON CONFLICT (event, object_id) DO NOTHING
       RETURNING id::text`,
      [notification.event, notification.object.id, JSON.stringify(notification), sourceIp, status, uuidv7()],
    ),
  );
  const id = rows[0]?.id ?? null;
  return { id, stored: id !== null, status: id ? status : null };
}
