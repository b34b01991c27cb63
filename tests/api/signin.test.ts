// Signing in over HTTP: where the sign-in page sends people afterwards.
import { describe, expect, it } from "vitest";
import { makeUser } from "../support/fixtures";
import { baseUrl, signIn } from "../support/http";

describe("return path after sign-in", () => {
  it("a signed-in visitor is sent to a same-site path, and never to another host", async () => {
    const user = await makeUser(null, null);
    const cookie = await signIn(user.email, user.password);
    const go = async (callbackUrl: string) => {
      const response = await fetch(`${baseUrl()}/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`, { headers: { cookie }, redirect: "manual" });
      expect(response.status, callbackUrl).toBeGreaterThanOrEqual(300);
      expect(response.status, callbackUrl).toBeLessThan(400);
      return new URL(response.headers.get("location")!, baseUrl());
    };
    const same = await go("/projects?x=1");
    expect(same.origin).toBe(new URL(baseUrl()).origin);
    expect(`${same.pathname}${same.search}`).toBe("/projects?x=1");
    for (const evil of ["/\\evil.example/", "//evil.example/", "/\t/evil.example/", "https://evil.example/"]) {
      const landed = await go(evil);
      expect(landed.origin, evil).toBe(new URL(baseUrl()).origin);
      expect(landed.pathname, evil).toBe("/");
    }
  });
});
