// An r_keeper integration's settings, as an admin saves them. r_keeper talks to us through its
// FarCards card interface (ExtDllHTTP.dll), which knows only its own short restaurant codes,
// sends amounts in kopecks with no currency, and writes local wall-clock times with no offset;
// these settings supply what the protocol leaves out.
import { currencySchema, isValidTimeZone } from "@maxl/shared";
import { z } from "zod";

export const rkeeperSettingsSchema = z
  .object({
    /** FarCards amounts are hundredths of the restaurant's currency, which it never names */
    currency: currencySchema.default("RUB"),
    /** r_keeper restaurant code (FarCards `Restaurant`) → our restaurant's id */
    restaurantMap: z
      .record(
        z
          .string()
          .trim()
          .regex(/^\d{1,10}$/, { message: "must be an r_keeper restaurant code" }),
        z.uuid(),
      )
      .default({}),
    /** the zone of r_keeper's local date-times (`closedatetime`, cash dates) */
    timeZone: z
      .string()
      .refine(isValidTimeZone, { message: "must be an IANA time zone such as Europe/Moscow" })
      .default("Europe/Moscow"),
    /** how the cashier's screen names the balance: "Баллы: 120" */
    pointsLabel: z.string().trim().min(1).max(30).default("Баллы"),
  })
  .strict();

export type RkeeperSettings = z.infer<typeof rkeeperSettingsSchema>;
