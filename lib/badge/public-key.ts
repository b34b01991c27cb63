// Public badge keys: `bdg_` and 32 random bytes (base64url), so a badge URL can sit in a public
// README without an API token. Only the key's SHA-256 is stored; a request's key is hashed and
// looked up by that hash (a unique index), so neither the lookup nor the comparison that follows
// tells anything about how close a guess came.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export const BADGE_KEY_PREFIX = "bdg_";
const KEY_SHAPE = /^bdg_[A-Za-z0-9_-]{43}$/;

export function generateBadgeKey(): { key: string; hash: string } {
  const key = `${BADGE_KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  return { key, hash: hashBadgeKey(key) };
}

export function hashBadgeKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

export const isBadgeKeyShaped = (key: string) => KEY_SHAPE.test(key);

export function badgeKeyMatches(key: string, storedHash: string): boolean {
  const a = Buffer.from(hashBadgeKey(key), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The badge's address: `latest` is the project's newest release that is not abandoned. */
export function publicBadgePath(key: string, release: string, environment: string): string {
  return `/api/v1/badges/${key}/${encodeURIComponent(release)}/${encodeURIComponent(environment)}.svg`;
}
