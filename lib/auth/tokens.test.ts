import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { displayPrefix, generateToken, hashToken, isWellFormedToken, TOKEN_PREFIX } from "./tokens";

describe("API tokens", () => {
  it("are prefixed, long, base62 and carry a valid checksum", () => {
    const { token } = generateToken();
    expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(token).toMatch(/^shp_[0-9A-Za-z]{49}$/);
    expect(isWellFormedToken(token)).toBe(true);
  });

  it("are different every time", () => {
    const tokens = new Set(Array.from({ length: 200 }, () => generateToken().token));
    expect(tokens.size).toBe(200);
  });

  it("store only a SHA-256 hash and a short display prefix", () => {
    const { token, hash, prefix } = generateToken();
    expect(hash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(hash).not.toContain(token.slice(4));
    expect(prefix).toBe(token.slice(0, 10));
    expect(displayPrefix(token).length).toBe(10);
    expect(hashToken(token)).toBe(hash);
  });

  it("rejects a token with one character changed (checksum) and malformed ones", () => {
    const { token } = generateToken();
    const position = 10;
    const swapped = token[position] === "a" ? "b" : "a";
    expect(isWellFormedToken(token.slice(0, position) + swapped + token.slice(position + 1))).toBe(false);
    expect(isWellFormedToken(token.slice(0, -1))).toBe(false);
    expect(isWellFormedToken(`ghp_${token.slice(4)}`)).toBe(false);
    expect(isWellFormedToken(`${token.slice(0, 20)}-${token.slice(21)}`)).toBe(false);
    expect(isWellFormedToken("")).toBe(false);
  });
});
