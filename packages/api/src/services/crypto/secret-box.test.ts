import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSecretBox, deriveKey, SecretBoxError, secretBoxFromEnv } from "./secret-box.js";

const JWT_SECRET = "jwt-secret-that-is-at-least-32-characters";

// The first character: the last one of a base64 string may only carry padding bits.
function flipFirstChar(part: string): string {
  return (part[0] === "A" ? "B" : "A") + part.slice(1);
}

describe("secret box", () => {
  const box = createSecretBox(randomBytes(32));

  it("round-trips text, including non-ASCII and empty strings", () => {
    for (const text of ["", "API_KEY=s3cr3t", "ünïcødé ✓\nsecond line"]) {
      expect(box.open(box.seal(text))).toBe(text);
    }
  });

  it("writes v1:<iv>:<tag>:<ciphertext> in base64url and never the plaintext", () => {
    const sealed = box.seal("super-secret-value");
    expect(sealed).toMatch(/^v1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain("super-secret-value");
    // A fresh IV each time: equal plaintexts give different ciphertexts.
    expect(box.seal("same")).not.toBe(box.seal("same"));
  });

  it("detects tampering with the ciphertext, the tag or the IV", () => {
    const [version, iv, tag, ciphertext] = box.seal("value").split(":") as [string, string, string, string];
    for (const forged of [
      [version, iv, tag, flipFirstChar(ciphertext)],
      [version, iv, flipFirstChar(tag), ciphertext],
      [version, flipFirstChar(iv), tag, ciphertext],
    ]) {
      expect(() => box.open(forged.join(":"))).toThrow(SecretBoxError);
    }
    expect(() => box.open("v2:a:b:c")).toThrow(SecretBoxError);
    expect(() => box.open("garbage")).toThrow(SecretBoxError);
  });

  it("refuses a value sealed for another purpose or under another key", () => {
    const sealed = box.seal("value", "env-vars");
    expect(box.open(sealed, "env-vars")).toBe("value");
    expect(() => box.open(sealed, "github-token")).toThrow(SecretBoxError);
    expect(() => createSecretBox(randomBytes(32)).open(sealed, "env-vars")).toThrow(SecretBoxError);
  });

  it("derives the key from ENCRYPTION_KEY, else from JWT_SECRET, and the two differ", () => {
    const fromJwt = secretBoxFromEnv({ JWT_SECRET, ENCRYPTION_KEY: undefined });
    const fromKey = secretBoxFromEnv({ JWT_SECRET, ENCRYPTION_KEY: "k".repeat(64) });
    const sealed = fromJwt.seal("x");
    expect(secretBoxFromEnv({ JWT_SECRET, ENCRYPTION_KEY: undefined }).open(sealed)).toBe("x");
    expect(() => fromKey.open(sealed)).toThrow(SecretBoxError);
    // HKDF with a fixed info string: the raw JWT secret is not the key.
    expect(deriveKey(JWT_SECRET, "a").equals(deriveKey(JWT_SECRET, "b"))).toBe(false);
  });

  it("rejects keys that are not 256 bits", () => {
    expect(() => createSecretBox(randomBytes(16))).toThrow(SecretBoxError);
  });
});
