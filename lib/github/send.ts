// Sending one queued GitHub call: an installation token for the project's App, then the POST.
// The outcome is recorded like a webhook's (status code, start of the answer); the token is in
// neither, nor in the log.
import { db } from "@/lib/db/client";
import type { SendOutcome } from "@/lib/notifications/send";
import { githubApiUrl, githubAppCredentials } from "./config";
import { installationToken } from "./installation-token";
import type { GithubCall } from "./outbox";

const EXCERPT = 500;
const timeoutMs = () => Number(process.env.SHIPCHECK_NOTIFY_TIMEOUT_MS) || 10_000;

const failed = (error: string): SendOutcome => ({ ok: false, statusCode: null, response: null, error: error.slice(0, EXCERPT) });

export async function sendGithubCall(projectId: string, call: GithubCall): Promise<SendOutcome> {
  const project = await db().project.findUnique({ where: { id: projectId }, select: { githubAppId: true, githubAppPrivateKey: true } });
  const credentials = project ? githubAppCredentials(project) : null;
  if (!credentials) return failed("no GitHub App is configured for this project (its App id and private key, or SHIPCHECK_GITHUB_APP_*)");
  const base = githubApiUrl();
  let token: string;
  try {
    token = await installationToken(credentials, call.installationId, base);
  } catch (error) {
    const e = error as Error & { status?: number };
    // The message of a failed token request names the status and GitHub's answer, not the JWT.
    return { ok: false, statusCode: e.status ?? null, response: null, error: `installation token: ${e.message}`.slice(0, EXCERPT) };
  }
  try {
    const response = await fetch(`${base}${call.path}`, {
      method: "POST",
      headers: {
        accept: "application/vnd.github+json",
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        "user-agent": "Shipcheck",
        "x-github-api-version": "2022-11-28",
      },
      body: JSON.stringify(call.body),
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs()),
    });
    const text = (await response.text()).slice(0, EXCERPT);
    return { ok: response.status >= 200 && response.status < 300, statusCode: response.status, response: text, error: null };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    return failed(e.name === "TimeoutError" ? `no answer within ${timeoutMs()} ms` : String(e.cause?.code ?? e.cause?.message ?? e.message));
  }
}

/**
 * A commit status retried after a later one for the same commit and context was delivered would
 * put an old state back: it is settled as superseded instead of sent.
 */
export async function supersededStatus(deliveryId: string): Promise<SendOutcome | null> {
  const [row] = await db().$queryRaw<{ id: string }[]>`
    SELECT later.id FROM "NotificationDelivery" this
    JOIN "NotificationDelivery" later ON later.channel = this.channel AND later.type = this.type
      AND later."projectId" = this."projectId"
      AND later.payload->>'path' = this.payload->>'path'
      AND later.payload->'body'->>'context' = this.payload->'body'->>'context'
      AND later."createdAt" > this."createdAt" AND later.status = 'delivered'
    WHERE this.id = ${deliveryId}::uuid AND this.type = 'github.status'
    LIMIT 1`;
  return row ? { ok: true, statusCode: null, response: `superseded by the later status ${row.id}`, error: null } : null;
}
