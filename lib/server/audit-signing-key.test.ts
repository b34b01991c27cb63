import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { keyIdOf, parsePublicKey } from "@/lib/audit/signing";
import { loadSigningKey, SIGNING_KEY_ENV, SIGNING_KEY_FILE } from "./audit-signing-key";

const scratch = () => path.join(mkdtempSync(path.join(tmpdir(), "shipcheck-key-")), ".data");

describe("loadSigningKey", () => {
  it("unset: generates an Ed25519 key into the data directory, mode 0600, and reuses it", () => {
    const dataDir = scratch();
    const first = loadSigningKey({ env: {}, dataDir });
    const file = path.join(dataDir, SIGNING_KEY_FILE);
    expect(first.source).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(first.privateKey.asymmetricKeyType).toBe("ed25519");
    const again = loadSigningKey({ env: {}, dataDir });
    expect(again.keyId).toBe(first.keyId);
    expect(again.privateKey.equals(first.privateKey)).toBe(true);
    // What is published is the public half, and it belongs to the private key.
    expect(first.info).toEqual({ algorithm: "Ed25519", keyId: first.keyId, publicKey: expect.stringMatching(/^-----BEGIN PUBLIC KEY-----\n/) });
    expect(parsePublicKey(first.info.publicKey).equals(first.publicKey)).toBe(true);
    expect(first.info.publicKey).not.toContain("PRIVATE");
  });

  it("SHIPCHECK_AUDIT_SIGNING_KEY wins over the file, as PEM or base64 DER; nothing is written", () => {
    const dataDir = scratch();
    const { privateKey } = generateKeyPairSync("ed25519");
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const der = privateKey.export({ type: "pkcs8", format: "der" }).toString("base64");
    for (const value of [pem, der]) {
      const key = loadSigningKey({ env: { [SIGNING_KEY_ENV]: value }, dataDir });
      expect(key.keyId).toBe(keyIdOf(privateKey));
      expect(key.source).toBe(SIGNING_KEY_ENV);
    }
    expect(() => statSync(path.join(dataDir, SIGNING_KEY_FILE))).toThrow(/ENOENT/);
  });

  it("a bad key is an error naming its source, never a silently new key", () => {
    expect(() => loadSigningKey({ env: { [SIGNING_KEY_ENV]: "secret" }, dataDir: scratch() })).toThrow(/^SHIPCHECK_AUDIT_SIGNING_KEY: /);
    const dataDir = scratch();
    loadSigningKey({ env: {}, dataDir });
    const file = path.join(dataDir, SIGNING_KEY_FILE);
    writeFileSync(file, "damaged");
    expect(() => loadSigningKey({ env: {}, dataDir })).toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: `));
    expect(readFileSync(file, "utf8")).toBe("damaged");
  });
});
