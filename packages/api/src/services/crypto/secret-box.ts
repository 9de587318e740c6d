import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import type { Env } from "../../env.js";

// Authenticated encryption for secrets at rest (deployment env vars now,
// GitHub tokens later): AES-256-GCM with a random 96-bit IV per message.
// Sealed form: `v1:<iv>:<tag>:<ciphertext>`, each part base64url, so it fits a
// TEXT column and the version prefix leaves room for a later key rotation.

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

// Fixed HKDF info strings: the same secret yields unrelated keys for unrelated
// uses, so JWT_SECRET can sign tokens and (derived) encrypt env vars safely.
const INFO_ENCRYPTION_KEY = "autostack/secret-box/v1";
const INFO_JWT_SECRET = "autostack/secret-box/v1/from-jwt-secret";

export class SecretBoxError extends Error {
  override name = "SecretBoxError";
}

export interface SecretBox {
  /** `aad` binds the ciphertext to a purpose: opening it under another purpose fails. */
  seal(plaintext: string, aad?: string): string;
  open(sealed: string, aad?: string): string;
}

/** HKDF-SHA256 (empty salt) of any secret string into a 256-bit key. */
export function deriveKey(secret: string, info: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, Buffer.alloc(0), info, KEY_BYTES));
}

export function createSecretBox(key: Uint8Array): SecretBox {
  if (key.length !== KEY_BYTES) throw new SecretBoxError(`Key must be ${KEY_BYTES} bytes`);
  const keyBuffer = Buffer.from(key);
  return {
    seal(plaintext, aad = "") {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", keyBuffer, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(aad, "utf8"));
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, iv.toString("base64url"), tag.toString("base64url"), ciphertext.toString("base64url")].join(":");
    },
    open(sealed, aad = "") {
      const parts = sealed.split(":");
      if (parts.length !== 4 || parts[0] !== VERSION) throw new SecretBoxError("Unknown sealed format");
      const iv = Buffer.from(parts[1]!, "base64url");
      const tag = Buffer.from(parts[2]!, "base64url");
      const ciphertext = Buffer.from(parts[3]!, "base64url");
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretBoxError("Malformed sealed value");
      try {
        const decipher = createDecipheriv("aes-256-gcm", keyBuffer, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(aad, "utf8"));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
      } catch {
        // GCM refuses anything altered, or sealed under another key or purpose.
        throw new SecretBoxError("Cannot decrypt: wrong key or tampered data");
      }
    },
  };
}

/**
 * The platform's box. ENCRYPTION_KEY (any string of 32+ characters, e.g.
 * `openssl rand -hex 32`) goes through HKDF too, so its format never matters;
 * without it the key is derived from JWT_SECRET. Changing either makes
 * existing env vars unreadable (redeploys of old deployments then fail).
 */
export function secretBoxFromEnv(env: Pick<Env, "ENCRYPTION_KEY" | "JWT_SECRET">): SecretBox {
  const key = env.ENCRYPTION_KEY ? deriveKey(env.ENCRYPTION_KEY, INFO_ENCRYPTION_KEY) : deriveKey(env.JWT_SECRET, INFO_JWT_SECRET);
  return createSecretBox(key);
}
