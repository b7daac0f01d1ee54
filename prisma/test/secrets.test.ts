import { describe, expect, it } from "vitest";
import { createSecretBox, parseEncryptionKey } from "../src/security/secrets.ts";

const box = createSecretBox(Buffer.alloc(32, 1));

describe("secrets at rest", () => {
  it("round-trips a secret within its context", () => {
    const sealed = box.encrypt("123:token", "bot-token:t1");
    expect(sealed).not.toContain("123:token");
    expect(box.decrypt(sealed, "bot-token:t1")).toBe("123:token");
  });

  it("seals the same secret differently each time", () => {
    expect(box.encrypt("same", "c")).not.toBe(box.encrypt("same", "c"));
  });

  it("refuses a ciphertext moved to another context, a tampered one and another key's", () => {
    const sealed = box.encrypt("secret", "pos-secret:t1:i1");
    expect(() => box.decrypt(sealed, "pos-secret:t2:i1")).toThrow();
    const [version, nonce, tag, body] = sealed.split(".");
    const flipped = `${version}.${nonce}.${tag}.${body?.startsWith("A") ? "B" : "A"}${body?.slice(1)}`;
    expect(() => box.decrypt(flipped, "pos-secret:t1:i1")).toThrow();
    expect(() => createSecretBox(Buffer.alloc(32, 2)).decrypt(sealed, "pos-secret:t1:i1")).toThrow();
  });

  it("reads keys as base64 or hex and explains a wrong length", () => {
    expect(parseEncryptionKey(Buffer.alloc(32, 3).toString("base64"))).toHaveLength(32);
    expect(parseEncryptionKey("ab".repeat(32))).toHaveLength(32);
    expect(() => parseEncryptionKey("c2hvcnQ=")).toThrow(/must be 32 bytes.*got 5 bytes/);
  });
});
