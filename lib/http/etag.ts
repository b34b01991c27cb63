// Entity tags for JSON that only changes when its release does: clients that send the tag back
// (If-None-Match) get 304 Not Modified instead of the whole body again.
import { createHash } from "node:crypto";

/** A weak tag from what the body depends on: equal parts, equal body. */
export function entityTag(...parts: string[]): string {
  return `W/"${createHash("sha256").update(parts.join("\u0000")).digest("base64url").slice(0, 27)}"`;
}

/** Whether If-None-Match names this tag (weak comparison, as RFC 9110 says for If-None-Match). */
export function matchesTag(ifNoneMatch: string | null | undefined, tag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (t: string) => t.trim().replace(/^W\//, "");
  return ifNoneMatch.split(",").some((candidate) => candidate.trim() === "*" || opaque(candidate) === opaque(tag));
}

/** Browsers may keep the body but must ask again each time; never shared caches. */
export const REVALIDATE = "private, no-cache";

export function notModified(tag: string): Response {
  return new Response(null, { status: 304, headers: { etag: tag, "cache-control": REVALIDATE } });
}
