// Ed25519 keys and signatures of the audit trail, with node:crypto. Pure apart from the crypto:
// shared by the server (signing checkpoints and packs) and `shipcheck verify` (checking them).
// Every signed message starts with a label naming what it is, so a signature made for one kind
// of statement can never be passed off as another.
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";

export const SIGNATURE_ALGORITHM = "Ed25519";

export class KeyFormatError extends Error {}

const PEM = /-----BEGIN ([A-Z ]+)-----/;

/** An env value may carry its PEM line breaks as literal `\n`. */
const unescapePem = (text: string) => text.trim().replace(/\\n/g, "\n");

function fromBase64(text: string): Buffer | null {
  const compact = text.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) && !/^[A-Za-z0-9_-]+$/.test(compact)) return null;
  const bytes = Buffer.from(compact, /[-_]/.test(compact) ? "base64url" : "base64");
  return bytes.length > 0 ? bytes : null;
}

function requireEd25519(key: KeyObject, what: string): KeyObject {
  if (key.asymmetricKeyType !== "ed25519") throw new KeyFormatError(`${what} is a ${key.asymmetricKeyType?.toUpperCase() ?? "non-asymmetric"} key, not an Ed25519 one`);
  return key;
}

/** An Ed25519 private key as PEM (`-----BEGIN PRIVATE KEY-----`) or base64 of its PKCS#8 DER. */
export function parsePrivateKey(text: string): KeyObject {
  const value = unescapePem(text);
  const label = PEM.exec(value)?.[1];
  if (label && label !== "PRIVATE KEY") throw new KeyFormatError(`expected an Ed25519 private key in PKCS#8 PEM ("BEGIN PRIVATE KEY"), got "BEGIN ${label}"`);
  try {
    if (label) return requireEd25519(createPrivateKey({ key: value, format: "pem" }), "the private key");
    const der = fromBase64(value);
    if (!der) throw new KeyFormatError("expected PEM or base64 of a PKCS#8 DER private key");
    return requireEd25519(createPrivateKey({ key: der, format: "der", type: "pkcs8" }), "the private key");
  } catch (error) {
    if (error instanceof KeyFormatError) throw error;
    throw new KeyFormatError("not a readable PKCS#8 private key (PEM or base64 DER)");
  }
}

/**
 * An Ed25519 public key as PEM (`-----BEGIN PUBLIC KEY-----`) or base64 of its SPKI DER. A private
 * key is refused rather than reduced to its public half: it should not be handed around.
 */
export function parsePublicKey(text: string): KeyObject {
  const value = unescapePem(text);
  const label = PEM.exec(value)?.[1];
  if (label?.includes("PRIVATE")) throw new KeyFormatError("that is a private key: give the public key (GET /api/v1/audit/public-key)");
  if (label && label !== "PUBLIC KEY") throw new KeyFormatError(`expected an Ed25519 public key in PEM ("BEGIN PUBLIC KEY"), got "BEGIN ${label}"`);
  try {
    if (label) return requireEd25519(createPublicKey({ key: value, format: "pem" }), "the public key");
    const der = fromBase64(value);
    if (!der) throw new KeyFormatError("expected PEM or base64 of an SPKI DER public key");
    try {
      createPrivateKey({ key: der, format: "der", type: "pkcs8" });
      throw new KeyFormatError("that is a private key: give the public key (GET /api/v1/audit/public-key)");
    } catch (error) {
      if (error instanceof KeyFormatError) throw error;
    }
    return requireEd25519(createPublicKey({ key: der, format: "der", type: "spki" }), "the public key");
  } catch (error) {
    if (error instanceof KeyFormatError) throw error;
    throw new KeyFormatError("not a readable public key (PEM or base64 of SPKI DER)");
  }
}

export const publicKeyPem = (key: KeyObject): string => (key.type === "private" ? createPublicKey(key) : key).export({ type: "spki", format: "pem" }).toString();

/** A short, stable name for a key: the first 16 hex digits of the SHA-256 of its SPKI DER. */
export function keyIdOf(key: KeyObject): string {
  const spki = (key.type === "private" ? createPublicKey(key) : key).export({ type: "spki", format: "der" });
  return createHash("sha256").update(spki).digest("hex").slice(0, 16);
}

/** Same key, compared by its bytes (not by the short id). */
export const sameKey = (a: KeyObject, b: KeyObject): boolean => a.equals(b);

export function signMessage(privateKey: KeyObject, label: string, content: string): string {
  return sign(null, Buffer.from(`${label}\n${content}`, "utf8"), privateKey).toString("base64");
}

/** False for a wrong, malformed or foreign signature; never throws. */
export function verifyMessage(publicKey: KeyObject, label: string, content: string, signature: string): boolean {
  const bytes = fromBase64(signature);
  if (!bytes || bytes.length !== 64) return false;
  try {
    return verify(null, Buffer.from(`${label}\n${content}`, "utf8"), publicKey, bytes);
  } catch {
    return false;
  }
}

export const sha256Hex = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");
