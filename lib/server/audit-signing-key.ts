// The instance's audit signing key, kept outside the database: SHIPCHECK_AUDIT_SIGNING_KEY when
// set, else `.data/audit-signing-key.pem`, generated on first use (mode 0600) and reused. Whoever
// can write to the database but not read this key cannot sign a checkpoint or a pack.
import { createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { SigningKeyInfo } from "@/lib/audit/pack";
import { keyIdOf, parsePrivateKey, publicKeyPem, SIGNATURE_ALGORITHM } from "@/lib/audit/signing";

export const SIGNING_KEY_ENV = "SHIPCHECK_AUDIT_SIGNING_KEY";
export const SIGNING_KEY_FILE = "audit-signing-key.pem";

export type SigningKey = {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
  /** Where it came from, for messages: the variable's name or the file's path. */
  source: string;
  info: SigningKeyInfo;
};

function fromPrivateKey(privateKey: KeyObject, source: string): SigningKey {
  const pem = publicKeyPem(privateKey);
  const keyId = keyIdOf(privateKey);
  return { privateKey, publicKey: createPublicKey(privateKey), keyId, source, info: { algorithm: SIGNATURE_ALGORITHM, keyId, publicKey: pem } };
}

/**
 * Reads the key file, or creates it: written to a temporary file first and linked into place, so
 * two processes starting at once end up with the same key, never half a file.
 */
function fromFile(dataDir: string): SigningKey {
  const file = path.join(dataDir, SIGNING_KEY_FILE);
  const read = () => fromPrivateKey(parsePrivateKey(readFileSync(file, "utf8")), file);
  try {
    return read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw new Error(`${file}: ${(error as Error).message}`);
  }
  mkdirSync(dataDir, { recursive: true });
  const { privateKey } = generateKeyPairSync("ed25519");
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  writeFileSync(temporary, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600, flag: "wx" });
  try {
    linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    unlinkSync(temporary);
  }
  return read();
}

/** The key from the environment, or from (or into) the data directory. */
export function loadSigningKey(options: { env?: Record<string, string | undefined>; dataDir?: string } = {}): SigningKey {
  const env = options.env ?? process.env;
  const configured = env[SIGNING_KEY_ENV]?.trim();
  if (configured) {
    try {
      return fromPrivateKey(parsePrivateKey(configured), SIGNING_KEY_ENV);
    } catch (error) {
      throw new Error(`${SIGNING_KEY_ENV}: ${(error as Error).message}`);
    }
  }
  return fromFile(options.dataDir ?? path.join(process.cwd(), ".data"));
}

const globalForKey = globalThis as unknown as { shipcheckAuditSigningKey?: SigningKey };

/** This process's key, loaded once. */
export function auditSigningKey(): SigningKey {
  globalForKey.shipcheckAuditSigningKey ??= loadSigningKey();
  return globalForKey.shipcheckAuditSigningKey;
}
