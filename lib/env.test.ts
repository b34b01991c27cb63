import { describe, expect, it } from "vitest";
import { EnvError, readServerEnv } from "./env";

describe("readServerEnv", () => {
  it("applies defaults and treats empty values as unset", () => {
    const env = readServerEnv({ NODE_ENV: "test", DATABASE_URL: "" });
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it("names every invalid variable in its message", () => {
    try {
      readServerEnv({ NODE_ENV: "test", DATABASE_URL: "mysql://x@y/z", PORT: "eighty", NEXTAUTH_SECRET: "short" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      const message = (error as Error).message;
      expect(message).toContain("DATABASE_URL: must start with postgresql://");
      expect(message).toContain("PORT:");
      expect(message).toContain("NEXTAUTH_SECRET: must be at least 32 characters");
    }
  });

  it("accepts a PostgreSQL URL and a port", () => {
    expect(readServerEnv({ NODE_ENV: "test", DATABASE_URL: "postgresql://u@h:5432/d", PORT: "8080" })).toMatchObject({ PORT: 8080, DATABASE_URL: "postgresql://u@h:5432/d" });
  });

  it("SHIPCHECK_AUDIT_SIGNING_KEY must be an Ed25519 private key", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const pem = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    expect(readServerEnv({ NODE_ENV: "test", SHIPCHECK_AUDIT_SIGNING_KEY: pem }).SHIPCHECK_AUDIT_SIGNING_KEY).toBe(pem);
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    expect(() => readServerEnv({ NODE_ENV: "test", SHIPCHECK_AUDIT_SIGNING_KEY: rsa })).toThrow(/SHIPCHECK_AUDIT_SIGNING_KEY: must be an Ed25519 private key.*RSA key, not an Ed25519 one/);
    expect(() => readServerEnv({ NODE_ENV: "test", SHIPCHECK_AUDIT_SIGNING_KEY: "hunter2" })).toThrow(/SHIPCHECK_AUDIT_SIGNING_KEY: must be an Ed25519 private key/);
  });
});
