// Creating POS integrations and rotating their secrets. The secret is shown once, in the answer
// to the call that made it: we keep only its ciphertext. A rotation keeps the previous secret
// valid for a grace period, so the POS can be reconfigured without losing checks in between.
import { randomBytes } from "node:crypto";
import { type SecretBox, secretContext } from "@maxl/db";
import { ServiceError } from "@maxl/shared";
import { uuidv7 } from "uuidv7";
import { z } from "zod";
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

export const createIntegrationInputSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("generic"),
    name: z.string().trim().min(1).max(100),
    restaurantId: z.uuid().optional(),
    settings: z
      .object({
        restaurantMap: z.record(z.string().min(1).max(200), z.uuid()).default({}),
        attachWindowHours: attachWindowSchema,
      })
      .default({ restaurantMap: {}, attachWindowHours: 72 }),
  }),
  z.object({
    kind: z.literal("iiko"),
    name: z.string().trim().min(1).max(100),
    restaurantId: z.uuid().optional(),
    /** the API login iiko issued for this business (iikoWeb → Settings → Cloud API) */
    apiLogin: z.string().trim().min(8).max(200),
    settings: iikoSettingsSchema.extend({ attachWindowHours: attachWindowSchema }),
  }),
  z.object({
    kind: z.literal("rkeeper"),
    name: z.string().trim().min(1).max(100),
    restaurantId: z.uuid().optional(),
    settings: rkeeperSettingsSchema.extend({ attachWindowHours: attachWindowSchema }).default({
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
    const restaurantIds = [
      ...new Set([...(input.restaurantId ? [input.restaurantId] : []), ...Object.values(input.settings.restaurantMap)]),
    ];
    const found = await tx.restaurant.count({ where: { tenantId, id: { in: restaurantIds } } });
    if (found !== restaurantIds.length) {
      throw new ServiceError("VALIDATION", "A restaurant named in the settings is not one of this business's.", {
        fields: [{ path: "settings.restaurantMap", message: "unknown restaurant" }],
      });
    }
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
    await tx.auditLogEntry.create({
      data: {
        tenantId,
        actorKind: "staff",
        actorStaffId: actor.staffId ?? null,
        action: "pos.integration.create",
        entityType: "pos_integration",
        entityId: id,
        ip: actor.ip ?? null,
        userAgent: actor.userAgent ?? null,
        changes: { kind: input.kind, name: input.name },
      },
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
    if (!existing) throw new ServiceError("NOT_FOUND", "There is no such POS integration.");
    await tx.posIntegration.update({
      where: { tenantId_id: { tenantId, id: integrationId } },
      data: {
        secretCiphertext: secrets.encrypt(secret, context),
        // The current secret becomes the previous one; ciphertexts share the context, so it moves as is.
        previousSecretCiphertext: request.graceHours > 0 ? existing.secretCiphertext : null,
        previousSecretValidUntil: request.graceHours > 0 ? validUntil : null,
      },
    });
    await tx.auditLogEntry.create({
      data: {
        tenantId,
        createdAt: at,
        actorKind: "staff",
        actorStaffId: actor.staffId ?? null,
        action: "pos.integration.rotate_secret",
        entityType: "pos_integration",
        entityId: integrationId,
        ip: actor.ip ?? null,
        userAgent: actor.userAgent ?? null,
        changes: { graceHours: request.graceHours },
      },
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
