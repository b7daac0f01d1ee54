// Secrets at rest (bot tokens, POS webhook secrets): AES-256-GCM with a random 96-bit nonce.
// The optional context (e.g. "bot-token:<tenant id>") is bound as associated data, so a
// ciphertext copied into another tenant's row does not decrypt there.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { z } from "zod";

const VERSION = "v1";

export interface SecretBox {
  encrypt(plaintext: string, context?: string): string;
  decrypt(ciphertext: string, context?: string): string;
}

/** APP_ENCRYPTION_KEY: 32 bytes as base64 (or 64 hex digits). */
export function parseEncryptionKey(value: string): Buffer {
  const trimmed = value.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  if (key.length !== 32) {
    throw new RangeError(
      `must be 32 bytes as base64 or hex (got ${key.length} bytes); generate one with "openssl rand -base64 32"`,
    );
  }
  return key;
}

/** APP_ENCRYPTION_KEY as a configuration field: the parsed 32-byte key. */
export const encryptionKeySchema = z
  .string()
  .min(1)
  .transform((value, context) => {
    try {
      return parseEncryptionKey(value);
    } catch (error) {
      context.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
  });

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new RangeError("AES-256-GCM needs a 32-byte key");
  return {
    encrypt(plaintext, context = "") {
      const nonce = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, nonce);
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, nonce, tag, body]
        .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
        .join(".");
    },
    decrypt(ciphertext, context = "") {
      const [version, nonce, tag, body] = ciphertext.split(".");
      if (version !== VERSION || nonce === undefined || tag === undefined || body === undefined) {
        throw new Error("not a secret sealed by this application");
      }
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64url"));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
    },
  };
}

/** Associated data for each kind of sealed secret: binds a ciphertext to its owner. */
export const secretContext = {
  botToken: (tenantId: string) => `bot-token:${tenantId}`,
  botWebhookSecret: (tenantId: string) => `bot-webhook-secret:${tenantId}`,
  posSecret: (tenantId: string, integrationId: string) => `pos-secret:${tenantId}:${integrationId}`,
};
