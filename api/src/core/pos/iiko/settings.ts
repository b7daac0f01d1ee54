// The settings of one iiko Cloud integration, as an owner or the onboarding wizard saves them.
// The apiLogin and the webhook auth token are secrets and live encrypted beside this, not in it.
import { currencySchema, isValidTimeZone } from "@maxl/shared";
import { z } from "zod";

/**
 * An iiko id. iiko's ids are GUID-shaped but not always RFC 9562 UUIDs (terminal groups have
 * ids such as `dd70ac26-e6c9-9baf-019b-c1bdd21a0066`, version nibble 9), so `z.uuid()` would
 * refuse real ones. Lower-cased so ids pasted from iikoWeb in capitals still match the payloads.
 */
export const iikoGuidSchema = z
  .guid({ message: "must be an iiko id such as 7bc05553-4b68-44e8-b7bc-37be63c6d9e9" })
  .transform((id) => id.toLowerCase());

export const iikoSettingsSchema = z.object({
  /** the iiko organizations (restaurants or legal entities) whose orders this integration takes */
  organizationIds: z.array(iikoGuidSchema).min(1, { message: "must name at least one iiko organization" }),
  currency: currencySchema.default("RUB"),
  /** iiko organizationId or terminalGroupId → our restaurant's id */
  restaurantMap: z
    .record(z.string(), z.uuid({ message: "must be a restaurant id" }))
    .superRefine((map, context) => {
      for (const key of Object.keys(map)) {
        if (!iikoGuidSchema.safeParse(key).success) {
          context.addIssue({
            code: "custom",
            path: [key],
            message: "must be keyed by an iiko organization or terminal group id",
          });
        }
      }
    })
    .transform((map) => Object.fromEntries(Object.entries(map).map(([key, value]) => [key.toLowerCase(), value])))
    .default({}),
  apiBaseUrl: z
    .url({ protocol: /^https?$/, message: "must be an http(s) address such as https://api-ru.iiko.services" })
    .transform((url) => url.replace(/\/+$/, ""))
    .default("https://api-ru.iiko.services"),
  pollingEnabled: z.boolean().default(true),
  // iiko's deliveries/by_revision serves at most 3 hours of changes behind the current revision,
  // so a poll interval near that would lose orders whenever one poll fails.
  pollIntervalSeconds: z
    .number()
    .int()
    // The poll scheduler runs once a minute, so a shorter interval would not poll more often.
    .min(60, { message: "must be at least 60 seconds" })
    .max(3600, { message: "must be at most an hour: iiko keeps only 3 hours of revisions" })
    .default(60),
  /**
   * iiko writes every order time (whenClosed, whenCancelled) as the terminal's wall clock with no
   * offset, so the organization's zone is needed to know the instant.
   */
  timeZone: z
    .string()
    .refine(isValidTimeZone, { message: "must be an IANA time zone such as Europe/Moscow" })
    .default("Europe/Moscow"),
});
export type IikoSettings = z.output<typeof iikoSettingsSchema>;
export type IikoSettingsInput = z.input<typeof iikoSettingsSchema>;
