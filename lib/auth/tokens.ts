// API tokens: `shp_` + 32 random bytes (base62) + a CRC32 checksum, so secret scanners can
// recognise one and reject a mistyped one without a database lookup. Only a SHA-256 hash is stored.
import { createHash, randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";

export const TOKEN_PREFIX = "shp_";
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const SECRET_LENGTH = 43; // 62^43 > 2^256
const CHECKSUM_LENGTH = 6; // 62^6 > 2^32

export const TOKEN_PERMISSIONS = ["results:write", "releases:write", "templates:write", "gate:read"] as const;
export type TokenPermission = (typeof TOKEN_PERMISSIONS)[number];

function base62(value: bigint, length: number): string {
  let out = "";
  let rest = value;
  while (rest > 0n) {
    out = BASE62[Number(rest % 62n)] + out;
    rest /= 62n;
  }
  return out.padStart(length, "0");
}

function checksum(secret: string): string {
  return base62(BigInt(crc32(secret)), CHECKSUM_LENGTH);
}

export function generateToken(): { token: string; prefix: string; hash: string } {
  const secret = base62(BigInt(`0x${randomBytes(32).toString("hex")}`), SECRET_LENGTH);
  const token = `${TOKEN_PREFIX}${secret}${checksum(secret)}`;
  return { token, prefix: displayPrefix(token), hash: hashToken(token) };
}

/** Well-formed and checksum intact; says nothing about whether the token exists. */
export function isWellFormedToken(token: string): boolean {
  if (!token.startsWith(TOKEN_PREFIX) || token.length !== TOKEN_PREFIX.length + SECRET_LENGTH + CHECKSUM_LENGTH) {
    return false;
  }
  const body = token.slice(TOKEN_PREFIX.length);
  if (!/^[0-9A-Za-z]+$/.test(body)) return false;
  return checksum(body.slice(0, SECRET_LENGTH)) === body.slice(SECRET_LENGTH);
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Non-secret part shown in lists so people can tell tokens apart. */
export function displayPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + 6);
}
