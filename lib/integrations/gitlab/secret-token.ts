// The secret token GitLab sends with every webhook request (X-Gitlab-Token). Shipcheck makes it
// (32 random bytes), shows it once, and keeps only its SHA-256: enough to find the link and check
// a delivery, useless to a reader of the database.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export const WEBHOOK_TOKEN_PREFIX = "glwh_";

export function generateWebhookToken(): { token: string; hash: string } {
  const token = `${WEBHOOK_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  return { token, hash: hashWebhookToken(token) };
}

export function hashWebhookToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Whether `presented` is the token behind `storedHash`, compared in constant time. */
export function webhookTokenMatches(presented: string, storedHash: string): boolean {
  const a = Buffer.from(hashWebhookToken(presented), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}
