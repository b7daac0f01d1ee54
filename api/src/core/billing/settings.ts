// Billing's configuration: read from the environment by the API and the workers alike (both
// spread `billingEnv` into their own schema and parse it once at start-up), so the grace period
// or the retry schedule cannot differ between the process that shows it and the one that acts.
import { isIP } from "node:net";
import { env } from "@maxl/shared";
import { z } from "zod";

/** YooKassa's published notification senders (yookassa.ru/developers/using-api/webhooks). */
export const YOOKASSA_NOTIFICATION_IPS = [
  "185.71.76.0/27",
  "185.71.77.0/27",
  "77.75.153.0/25",
  "77.75.156.11",
  "77.75.156.35",
  "77.75.154.128/25",
  "2a02:5180::/32",
] as const;

function isAddressOrRange(entry: string): boolean {
  const [address = "", bits, extra] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  const prefix = Number(bits);
  return /^\d+$/.test(bits) && prefix >= 0 && prefix <= (family === 4 ? 32 : 128);
}

const hoursList = z
  .string()
  .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, { message: "must be comma-separated whole hours, e.g. 6,24,72" })
  .transform((value) => value.split(",").map((hours) => Number(hours.trim())))
  .refine((hours) => hours.every((one) => one > 0 && one <= 24 * 30), { message: "each must be 1..720 hours" });

export const billingEnv = {
  // Without a shop id billing is off: its routes answer 503 and the scheduler does nothing.
  YOOKASSA_SHOP_ID: z.string().trim().optional(),
  // Secret: never logged (the logger redacts nothing it is not given; keep it out of messages).
  YOOKASSA_SECRET_KEY: z.string().trim().optional(),
  YOOKASSA_API_URL: env.httpUrl.default("https://api.yookassa.ru/v3"),
  YOOKASSA_ALLOWED_IPS: env.list
    .refine((entries) => entries.every(isAddressOrRange), {
      message: "must be comma-separated IP addresses or CIDR ranges",
    })
    .default([...YOOKASSA_NOTIFICATION_IPS]),
  // Where YooKassa sends the owner back after paying; empty means ADMIN_URL + "#/billing/return".
  BILLING_RETURN_URL: env.httpUrl.optional(),
  BILLING_GRACE_DAYS: env.nonNegativeInt.max(90).default(7),
  BILLING_RENEW_BEFORE_HOURS: env.nonNegativeInt.max(24 * 14).default(24),
  BILLING_RETRY_HOURS: hoursList.default([6, 24, 72]),
  // 54-FZ receipt VAT code (1 = no VAT, the usual case for a USN platform operator).
  BILLING_VAT_CODE: z.coerce.number().int().min(1).max(12).default(1),
};

type BillingEnv = z.infer<z.ZodObject<typeof billingEnv>>;

export interface YooKassaCredentials {
  shopId: string;
  secretKey: string;
  apiUrl: string;
}

export interface BillingSettings {
  /** null when YooKassa is not configured: billing is off */
  yookassa: YooKassaCredentials | null;
  allowedIps: readonly string[];
  returnUrl: string;
  graceDays: number;
  renewBeforeHours: number;
  /** the wait before each retry of a failed renewal; after the last, no more automatic tries */
  retryHours: readonly number[];
  vatCode: number;
}

export function billingSettingsFromEnv(raw: BillingEnv, adminUrl = "http://localhost:5173/admin/"): BillingSettings {
  const configured = Boolean(raw.YOOKASSA_SHOP_ID) && Boolean(raw.YOOKASSA_SECRET_KEY);
  return {
    yookassa: configured
      ? {
          shopId: raw.YOOKASSA_SHOP_ID as string,
          secretKey: raw.YOOKASSA_SECRET_KEY as string,
          apiUrl: raw.YOOKASSA_API_URL.replace(/\/+$/, ""),
        }
      : null,
    allowedIps: raw.YOOKASSA_ALLOWED_IPS,
    returnUrl: raw.BILLING_RETURN_URL ?? `${adminUrl}#/billing/return`,
    graceDays: raw.BILLING_GRACE_DAYS,
    renewBeforeHours: raw.BILLING_RENEW_BEFORE_HOURS,
    retryHours: raw.BILLING_RETRY_HOURS,
    vatCode: raw.BILLING_VAT_CODE,
  };
}

export const defaultBillingSettings: BillingSettings = {
  yookassa: null,
  allowedIps: [...YOOKASSA_NOTIFICATION_IPS],
  returnUrl: "http://localhost:5173/admin/#/billing/return",
  graceDays: 7,
  renewBeforeHours: 24,
  retryHours: [6, 24, 72],
  vatCode: 1,
};
