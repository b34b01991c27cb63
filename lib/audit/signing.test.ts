import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { KeyFormatError, keyIdOf, parsePrivateKey, parsePublicKey, publicKeyPem, signMessage, verifyMessage } from "./signing";

const pair = () => generateKeyPairSync("ed25519");

describe("reading keys", () => {
  it("a private key from PKCS#8 PEM, from PEM with literal \\n (as env files hold it) and from base64 DER", () => {
    const { privateKey } = pair();
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const der = privateKey.export({ type: "pkcs8", format: "der" }).toString("base64");
    for (const text of [pem, pem.trim().replaceAll("\n", "\\n"), der, ` ${der}\n`]) {
      expect(keyIdOf(parsePrivateKey(text))).toBe(keyIdOf(privateKey));
    }
  });

  it("refuses what is not an Ed25519 private key, saying what it is", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    expect(() => parsePrivateKey(rsa)).toThrow(/RSA key, not an Ed25519 one/);
    expect(() => parsePrivateKey(publicKeyPem(pair().publicKey))).toThrow(/got "BEGIN PUBLIC KEY"/);
    expect(() => parsePrivateKey("not a key at all!")).toThrow(KeyFormatError);
    expect(() => parsePrivateKey("aGVsbG8gd29ybGQ=")).toThrow(/not a readable PKCS#8 private key/);
  });

  it("a public key from PEM and from base64 SPKI DER; a private key given as public is refused, not reduced", () => {
    const { privateKey, publicKey } = pair();
    const pem = publicKeyPem(publicKey);
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(publicKeyPem(privateKey)).toBe(pem);
    const der = publicKey.export({ type: "spki", format: "der" }).toString("base64");
    expect(parsePublicKey(pem).equals(publicKey)).toBe(true);
    expect(parsePublicKey(der).equals(publicKey)).toBe(true);
    expect(() => parsePublicKey(privateKey.export({ type: "pkcs8", format: "pem" }).toString())).toThrow(/that is a private key/);
    expect(() => parsePublicKey(privateKey.export({ type: "pkcs8", format: "der" }).toString("base64"))).toThrow(/that is a private key/);
    expect(() => parsePublicKey("-----BEGIN CERTIFICATE-----\nMII=\n-----END CERTIFICATE-----")).toThrow(/got "BEGIN CERTIFICATE"/);
    expect(() => parsePublicKey("garbage")).toThrow(KeyFormatError);
  });

  it("a key id is stable per key and differs between keys", () => {
    const { privateKey, publicKey } = pair();
    expect(keyIdOf(privateKey)).toBe(keyIdOf(publicKey));
    expect(keyIdOf(publicKey)).toMatch(/^[0-9a-f]{16}$/);
    expect(keyIdOf(pair().publicKey)).not.toBe(keyIdOf(publicKey));
  });
});

describe("signatures", () => {
  it("verify for the same label, content and key only; a malformed signature is false, never a throw", () => {
    const { privateKey, publicKey } = pair();
    const signature = signMessage(privateKey, "label/1", "content");
    expect(verifyMessage(publicKey, "label/1", "content", signature)).toBe(true);
    expect(verifyMessage(publicKey, "label/1", "content!", signature)).toBe(false);
    expect(verifyMessage(publicKey, "label/2", "content", signature)).toBe(false);
    expect(verifyMessage(pair().publicKey, "label/1", "content", signature)).toBe(false);
    for (const bad of ["", "abc", "!!!!", Buffer.alloc(64).toString("base64"), `${signature}AA`]) {
      expect(verifyMessage(publicKey, "label/1", "content", bad)).toBe(false);
    }
  });
});
