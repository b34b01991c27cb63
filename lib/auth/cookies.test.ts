import { afterEach, describe, expect, it, vi } from "vitest";
import { publicUrlIsHttps, sessionCookies } from "./cookies";

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe("session cookies", () => {
  it("over HTTPS: Secure, HttpOnly, SameSite=Lax, Path=/ and the __Host- prefix on each", () => {
    const cookies = sessionCookies(true);
    for (const cookie of Object.values(cookies)) {
      expect(cookie.name).toMatch(/^__Host-next-auth\./);
      // __Host- cookies must be Secure with Path=/ and no Domain, or browsers drop them.
      expect(cookie.options).toEqual({ httpOnly: true, sameSite: "lax", path: "/", secure: true });
      expect(cookie.options).not.toHaveProperty("domain");
    }
    expect(cookies.sessionToken.name).toBe("__Host-next-auth.session-token");
  });

  it("over plain HTTP: no prefix and not Secure, so a local http://localhost still signs in", () => {
    const cookies = sessionCookies(false);
    expect(cookies.sessionToken).toEqual({ name: "next-auth.session-token", options: { httpOnly: true, sameSite: "lax", path: "/", secure: false } });
    expect(cookies.csrfToken.name).toBe("next-auth.csrf-token");
  });

  it("HTTPS is read from the public URL", () => {
    expect(publicUrlIsHttps("https://shipcheck.example.com")).toBe(true);
    expect(publicUrlIsHttps("HTTPS://shipcheck.example.com:8443/base")).toBe(true);
    expect(publicUrlIsHttps("http://localhost:3000")).toBe(false);
    expect(publicUrlIsHttps(undefined)).toBe(false);
    expect(publicUrlIsHttps("not a url")).toBe(false);
  });

  // Importing the options loads next-auth and the database client: slow on a busy machine.
  it("next-auth's options follow NEXTAUTH_URL", async () => {
    vi.stubEnv("NEXTAUTH_URL", "https://shipcheck.example.com");
    const secure = (await import("./options")).authOptions;
    expect(secure.useSecureCookies).toBe(true);
    expect(secure.cookies?.sessionToken).toEqual({ name: "__Host-next-auth.session-token", options: expect.objectContaining({ secure: true }) });

    vi.resetModules();
    vi.stubEnv("NEXTAUTH_URL", "http://localhost:3000");
    const plain = (await import("./options")).authOptions;
    expect(plain.useSecureCookies).toBe(false);
    expect(plain.cookies?.sessionToken?.name).toBe("next-auth.session-token");
  }, 30_000);
});
