import { describe, expect, it } from "vitest";
import { badgeKeyMatches, generateBadgeKey, hashBadgeKey, isBadgeKeyShaped, publicBadgePath } from "./public-key";

describe("public badge keys", () => {
  it("are 256 random bits, URL-safe, and stored only as a hash that matches them alone", () => {
    const a = generateBadgeKey();
    const b = generateBadgeKey();
    expect(a.key).toMatch(/^bdg_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.key.slice(4), "base64url")).toHaveLength(32);
    expect(a.key).not.toBe(b.key);
    expect(a.hash).toBe(hashBadgeKey(a.key));
    expect(a.hash).not.toContain(a.key.slice(4));
    expect(badgeKeyMatches(a.key, a.hash)).toBe(true);
    expect(badgeKeyMatches(b.key, a.hash)).toBe(false);
    expect(badgeKeyMatches(a.key, "not hex")).toBe(false);
    expect(isBadgeKeyShaped(a.key)).toBe(true);
    expect(isBadgeKeyShaped(`${a.key}x`)).toBe(false);
  });

  it("make the badge address, with the release and environment escaped", () => {
    expect(publicBadgePath("bdg_k", "v1.0.0+build/5", "staging")).toBe("/api/v1/badges/bdg_k/v1.0.0%2Bbuild%2F5/staging.svg");
  });
});
