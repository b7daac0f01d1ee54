// Creating POS integrations and rotating their secrets. The secret is shown once, in the answer
// to the call that made it: we keep only its ciphertext. A rotation keeps the previous secret
// valid for a grace period, so the POS can be reconfigured without losing checks in between.
import { randomBytes } from "node:crypto";
import { type SecretBox, secretContext, type TenantTx } from "@maxl/db";
import { ServiceError } from "@maxl/shared";
import { uuidv7 } from "uuidv7";
import { z } from "zod";
import { recordAction } from "../audit/record-action.ts";
import type { Actor, EngineDeps } from "../context.ts";
import { iikoSettingsSchema } from "./iiko/settings.ts";
import type { PosKind } from "./integrations.ts";
import { rkeeperSettingsSchema } from "./rkeeper/settings.ts";

const attachWindowSchema = z
  .number()
  .int()
  .min(1)
  .max(24 * 90)
  .default(72);

/** Each kind's settings, as an admin sends them (the shared ones included). */
export const posSettingsSchemas = {
  generic: z.object({
    restaurantMap: z.record(z.string().min(1).max(200), z.uuid()).default({}),
    attachWindowHours: attachWindowSchema,
  }),
  iiko: iikoSettingsSchema.extend({ attachWindowHours: attachWindowSchema }),
  rkeeper: rkeeperSettingsSchema.extend({ attachWindowHours: attachWindowSchema }),
} as const;

const nameSchema = z.string().trim().min(1).max(100);
/** the API login iiko issued for this business (iikoWeb → Settings → Cloud API) */
const apiLoginSchema = z.string().trim().min(8).max(200);

export const createIntegrationInputSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("generic"),
    name: nameSchema,
    restaurantId: z.uuid().optional(),
    settings: posSettingsSchemas.generic.default({ restaurantMap: {}, attachWindowHours: 72 }),
  }),
  z.object({
    kind: z.literal("iiko"),
    name: nameSchema,
    restaurantId: z.uuid().optional(),
    apiLogin: apiLoginSchema,
    settings: posSettingsSchemas.iiko,
  }),
  z.object({
    kind: z.literal("rkeeper"),
    name: nameSchema,
    restaurantId: z.uuid().optional(),
    settings: posSettingsSchemas.rkeeper.default({
      currency: "RUB",
      restaurantMap: {},
      timeZone: "Europe/Moscow",
      pointsLabel: "Баллы",
      attachWindowHours: 72,
    }),
  }),
]);
export type CreateIntegrationInput = z.input<typeof createIntegrationInputSchema>;

export interface IntegrationSecretView {
  integrationId: string;
  kind: PosKind;
  /** shown once: the webhook secret (generic), auth token (iiko) or URL token (r_keeper) */
  secret: string;
  /** where the POS sends its requests, relative to the API's public address */
  endpoints: string[];
  previousSecretValidUntil: string | null;
}

/** What the admin routes hand the verbs that seal secrets. */
export interface SealingDeps {
  secrets: SecretBox;
}

export function integrationEndpoints(kind: PosKind, integrationId: string, secret: string): string[] {
  const base = `/api/v1/pos/${integrationId}`;
  if (kind === "generic") return [`${base}/checks`];
  if (kind === "iiko") return [`${base}/iiko/webhook`];
  return [`${base}/rkeeper/${secret}/getcardinfoex`, `${base}/rkeeper/${secret}/transactionsex`];
}

function newSecret(): string {
  // URL-safe, because r_keeper's token travels in the path.
  return randomBytes(32).toString("base64url");
}

export const apiLoginContext = (tenantId: string, integrationId: string) =>
  `${secretContext.posSecret(tenantId, integrationId)}:api-login`;

export async function createIntegration(
  deps: EngineDeps,
  secrets: SecretBox,
  request: { tenantId: string; actor: Actor; input: z.output<typeof createIntegrationInputSchema> },
): Promise<IntegrationSecretView> {
  const { tenantId, input, actor } = request;
  const id = uuidv7();
  const secret = newSecret();
  const context = secretContext.posSecret(tenantId, id);
  const config: Record<string, unknown> = { ...input.settings };
  if (input.kind === "iiko") config.apiLoginCiphertext = secrets.encrypt(input.apiLogin, apiLoginContext(tenantId, id));
  await deps.db.withTenant(tenantId, async (tx) => {
    await assertRestaurants(tx, tenantId, input.restaurantId ?? null, input.settings.restaurantMap);
    await tx.posIntegration.create({
      data: {
        tenantId,
        id,
        kind: input.kind,
        name: input.name,
        restaurantId: input.restaurantId ?? null,
        secretCiphertext: secrets.encrypt(secret, context),
        config: config as object,
      },
    });
    await recordAction(tx, tenantId, actor, "pos.integration.create", "pos_integration", id, {
      kind: input.kind,
      name: input.name,
    });
  });
  return {
    integrationId: id,
    kind: input.kind,
    secret,
    endpoints: integrationEndpoints(input.kind, id, secret),
    previousSecretValidUntil: null,
  };
}

async function assertRestaurants(
  tx: TenantTx,
  tenantId: string,
  restaurantId: string | null,
  restaurantMap: Record<string, string>,
): Promise<void> {
  const restaurantIds = [...new Set([...(restaurantId ? [restaurantId] : []), ...Object.values(restaurantMap)])];
  const found = await tx.restaurant.count({ where: { tenantId, id: { in: restaurantIds } } });
  if (found !== restaurantIds.length) {
    throw new ServiceError("VALIDATION", "A restaurant named in the settings is not one of this business's.", {
      key: "pos-restaurant-unknown",
      fields: [{ path: restaurantId ? "restaurantId" : "settings.restaurantMap", message: "unknown restaurant" }],
    });
  }
}

export const updateIntegrationInputSchema = z
  .object({
    name: nameSchema.optional(),
    /** where checks go when the POS names no mapped restaurant; null: none */
    restaurantId: z.uuid().nullable().optional(),
    /** false stops the integration: its requests get 404 and its polling stops */
    isActive: z.boolean().optional(),
    /** the kind's whole settings, replacing the current ones */
    settings: z.record(z.string(), z.unknown()).optional(),
    /** iiko only: a new API login */
    apiLogin: apiLoginSchema.optional(),
  })
  .strict()
  .refine((input) => Object.keys(input).length > 0, { message: "say what to change" });

// Kept across a settings change: what the application itself keeps in the same JSON.
const internalKeys = ["apiLoginCiphertext", "revision", "lastPolledAt"];

/** Changes an integration's name, default restaurant, settings, state or iiko login. */
export async function updateIntegration(
  deps: EngineDeps,
  secrets: SecretBox,
  request: {
    tenantId: string;
    actor: Actor;
    integrationId: string;
    input: z.output<typeof updateIntegrationInputSchema>;
  },
): Promise<void> {
  const { tenantId, integrationId, input, actor } = request;
  await deps.db.withTenant(tenantId, async (tx) => {
    const existing = await tx.posIntegration.findUnique({ where: { tenantId_id: { tenantId, id: integrationId } } });
    if (!existing)
      throw new ServiceError("NOT_FOUND", "There is no such POS integration.", { key: "pos-integration-unknown" });
    const current = (existing.config ?? {}) as Record<string, unknown>;
    let config = current;
    if (input.settings) {
      const parsed = posSettingsSchemas[existing.kind].safeParse(input.settings);
      if (!parsed.success) {
        const fields = parsed.error.issues.map((issue) => ({
          path: ["settings", ...issue.path.map(String)].join("."),
          message: issue.message,
        }));
        throw new ServiceError("VALIDATION", `The ${existing.kind} settings have invalid values.`, {
          key: "fields-invalid",
          fields,
        });
      }
      const kept = Object.fromEntries(Object.entries(current).filter(([key]) => internalKeys.includes(key)));
      config = { ...kept, ...parsed.data };
    }
    if (input.apiLogin !== undefined) {
      if (existing.kind !== "iiko") {
        throw new ServiceError("VALIDATION", "Only an iiko integration has an API login.", {
          key: "pos-api-login-iiko-only",
          fields: [{ path: "apiLogin", message: "not for this kind" }],
        });
      }
      config = {
        ...config,
        apiLoginCiphertext: secrets.encrypt(input.apiLogin, apiLoginContext(tenantId, integrationId)),
      };
    }
    const restaurantId = input.restaurantId === undefined ? existing.restaurantId : input.restaurantId;
    await assertRestaurants(tx, tenantId, restaurantId, (config.restaurantMap ?? {}) as Record<string, string>);
    await tx.posIntegration.update({
      where: { tenantId_id: { tenantId, id: integrationId } },
      data: {
        ...(input.name === undefined ? {} : { name: input.name }),
        restaurantId,
        ...(input.isActive === undefined ? {} : { isActive: input.isActive }),
        config: config as object,
      },
    });
    // What changed, never the login itself.
    await recordAction(tx, tenantId, actor, "pos.integration.update", "pos_integration", integrationId, {
      ...(input.name === undefined ? {} : { name: input.name }),
      ...(input.restaurantId === undefined ? {} : { restaurantId: input.restaurantId }),
      ...(input.isActive === undefined ? {} : { isActive: input.isActive }),
      ...(input.settings ? { settings: Object.keys(input.settings) } : {}),
      ...(input.apiLogin === undefined ? {} : { apiLogin: "replaced" }),
    });
  });
}

export async function rotateIntegrationSecret(
  deps: EngineDeps,
  secrets: SecretBox,
  request: { tenantId: string; actor: Actor; integrationId: string; graceHours: number },
): Promise<IntegrationSecretView> {
  const { tenantId, integrationId, actor } = request;
  const at = deps.clock();
  const validUntil = new Date(at.getTime() + request.graceHours * 3_600_000);
  const secret = newSecret();
  const context = secretContext.posSecret(tenantId, integrationId);
  const kind = await deps.db.withTenant(tenantId, async (tx) => {
    const existing = await tx.posIntegration.findUnique({ where: { tenantId_id: { tenantId, id: integrationId } } });
    if (!existing)
      throw new ServiceError("NOT_FOUND", "There is no such POS integration.", { key: "pos-integration-unknown" });
    await tx.posIntegration.update({
      where: { tenantId_id: { tenantId, id: integrationId } },
      data: {
        secretCiphertext: secrets.encrypt(secret, context),
        // The current secret becomes the previous one; ciphertexts share the context, so it moves as is.
        previousSecretCiphertext: request.graceHours > 0 ? existing.secretCiphertext : null,
        previousSecretValidUntil: request.graceHours > 0 ? validUntil : null,
      },
    });
    await recordAction(tx, tenantId, actor, "pos.integration.rotate_secret", "pos_integration", integrationId, {
      graceHours: request.graceHours,
    });
    return existing.kind;
  });
  return {
    integrationId,
    kind,
    secret,
    endpoints: integrationEndpoints(kind, integrationId, secret),
    previousSecretValidUntil: request.graceHours > 0 ? validUntil.toISOString() : null,
  };
}
