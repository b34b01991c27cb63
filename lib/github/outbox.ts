// GitHub calls queued in the notification outbox (channel `github`), so they are sent after the
// change commits, retried like webhooks, and every try is in the delivery log. The row keeps the
// path and body; the token is fetched when sending and never stored.
import { randomUUID } from "node:crypto";
import type { Prisma } from "@/generated/prisma/client";
import type { Tx } from "@/lib/db/client";

export const GITHUB_CHANNEL = "github";

/** `github.status`: a commit status; `github.review`: the answer to a deployment protection rule. */
export type GithubCallType = "github.status" | "github.review";

export type GithubCall = { type: GithubCallType; installationId: string; path: string; body: Record<string, unknown> };

export async function enqueueGithubCall(tx: Tx, ids: { projectId: string; releaseId: string | null }, call: GithubCall): Promise<void> {
  await tx.notificationDelivery.create({
    data: { id: randomUUID(), projectId: ids.projectId, releaseId: ids.releaseId, channel: GITHUB_CHANNEL, type: call.type, payload: call as unknown as Prisma.InputJsonValue },
  });
}

export const statusPath = (repository: string, sha: string) => {
  const [owner, repo] = repository.split("/");
  return `/repos/${encodeURIComponent(owner!)}/${encodeURIComponent(repo!)}/statuses/${encodeURIComponent(sha)}`;
};
