// Answering a stored deployment protection rule request: the request row is marked answered and
// the review is queued in the same transaction, so it is answered once.
import type { GithubProtectionRequest } from "@/generated/prisma/client";
import type { Tx } from "@/lib/db/client";
import { reviewPath } from "./config";
import type { ProtectionAnswer } from "./gate-answer";
import { enqueueGithubCall } from "./outbox";

export async function answerProtectionRequest(tx: Tx, request: GithubProtectionRequest, answer: ProtectionAnswer): Promise<boolean> {
  const path = reviewPath(request.callbackUrl);
  const marked = await tx.githubProtectionRequest.updateMany({
    where: { id: request.id, status: "waiting" },
    data: { status: answer.state, comment: answer.comment, answeredAt: new Date() },
  });
  // Answered meanwhile, or its address no longer on the configured API: nothing to send.
  if (marked.count === 0 || !path) return false;
  await enqueueGithubCall(tx, { projectId: request.projectId, releaseId: request.releaseId }, {
    type: "github.review",
    installationId: request.installationId,
    path,
    body: { environment_name: request.environment, state: answer.state, comment: answer.comment },
  });
  return true;
}
