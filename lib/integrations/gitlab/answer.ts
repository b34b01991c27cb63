// Answering waiting GitLab deployments from the gate. Run for one approval right after its webhook,
// and by every instance's notification worker each round (lib/notifications/worker.ts), so a closed
// gate that opens later is answered then. A due row is claimed (FOR UPDATE SKIP LOCKED, pushing its
// next attempt two minutes ahead), so two instances never answer one deployment twice; a failed
// call to GitLab is retried on the notifications' schedule.
import type { SystemPrincipal } from "@/lib/auth/principal";
import { db } from "@/lib/db/client";
import { log } from "@/lib/log";
import { nextRetryDelay, retrySchedule } from "@/lib/notifications/retry";
import { recordAudit } from "@/lib/server/audit";
import { releaseHealth } from "@/lib/server/gate-state";
import { postApproval } from "./client";
import { approvalDecision } from "./decision";
import { findProjectById } from "./project";
import { releaseForCommit } from "./releases";

const CLAIM_MS = 120_000;
const BATCH = 20;

type Claimed = {
  id: string;
  projectId: string;
  gitlabProjectId: number;
  deploymentId: bigint;
  gitlabEnvironment: string;
  environment: string;
  commitSha: string;
  tries: number;
};

export type AnswerOutcome = { id: string; status: "waiting" | "approved" | "rejected" | "failed" | "ended" };

/** Answers the due waiting approvals (only `ids` when given) that the gate decides now. */
export async function answerWaitingApprovals(options: { ids?: string[] } = {}): Promise<AnswerOutcome[]> {
  const only = options.ids ?? null;
  const claimed = await db().$queryRaw<Claimed[]>`
    UPDATE "GitlabApproval" SET "nextAttemptAt" = (now() AT TIME ZONE 'UTC') + make_interval(secs => ${CLAIM_MS / 1000})
    WHERE id IN (
      SELECT id FROM "GitlabApproval"
      WHERE status = 'waiting' AND "nextAttemptAt" <= (now() AT TIME ZONE 'UTC') AND (${only}::uuid[] IS NULL OR id = ANY(${only}::uuid[]))
      ORDER BY "nextAttemptAt" LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
    RETURNING id, "projectId", "gitlabProjectId", "deploymentId", "gitlabEnvironment", environment, "commitSha", tries`;
  const outcomes: AnswerOutcome[] = [];
  for (const row of claimed) {
    // One that cannot be answered holds up neither the others nor the worker.
    outcomes.push(
      await answerOne(row).catch((error: Error) => {
        log().warn({ approvalId: row.id, err: error }, "gitlab: deployment not answered");
        return { id: row.id, status: "waiting" as const };
      }),
    );
  }
  return outcomes;
}

async function answerOne(row: Claimed): Promise<AnswerOutcome> {
  const link = await db().gitlabLink.findUnique({ where: { projectId: row.projectId } });
  if (!link || link.gitlabProjectId !== row.gitlabProjectId) {
    await db().gitlabApproval.update({ where: { id: row.id }, data: { status: "ended", lastError: "the project is no longer linked to this GitLab project" } });
    return { id: row.id, status: "ended" };
  }
  const project = await findProjectById(row.projectId);
  const release = await releaseForCommit(row.projectId, row.commitSha);
  // No release for the commit yet: evidence missing, so keep waiting (CI may create it later).
  if (!release) return stillWaiting(row, null);

  const environments = project.environments.map((e) => e.name);
  if (!environments.includes(row.environment)) return stillWaiting(row, release.version);
  const health = await releaseHealth(release, environments);
  const decision = approvalDecision(health.gates, row.environment, release.version);
  if (decision.answer === "wait") return stillWaiting(row, release.version);

  const outcome = await postApproval(link, row.deploymentId, { status: decision.answer, comment: decision.comment });
  const tries = row.tries + 1;
  if (!outcome.ok) {
    const delay = nextRetryDelay(tries, retrySchedule());
    await db().gitlabApproval.updateMany({
      where: { id: row.id, status: "waiting" },
      data: delay === null ? { status: "failed", tries, lastError: outcome.error } : { tries, lastError: outcome.error, nextAttemptAt: new Date(Date.now() + delay), releaseVersion: release.version },
    });
    return { id: row.id, status: delay === null ? "failed" : "waiting" };
  }

  const principal: SystemPrincipal = { kind: "system", label: `gitlab:${row.gitlabProjectId}` };
  await db().$transaction(async (tx) => {
    const updated = await tx.gitlabApproval.updateMany({
      where: { id: row.id, status: "waiting" },
      data: { status: decision.answer, comment: decision.comment, tries, lastError: null, answeredAt: new Date(), releaseVersion: release.version },
    });
    if (updated.count === 0) return;
    await recordAudit(tx, { principal }, {
      projectId: row.projectId,
      releaseId: release.id,
      action: decision.answer === "approved" ? "gitlab.deployment_approved" : "gitlab.deployment_rejected",
      targetType: "gitlab_deployment",
      targetId: row.deploymentId.toString(),
      after: { deployment: row.deploymentId.toString(), environment: row.environment, gitlabEnvironment: row.gitlabEnvironment, commit: release.commitSha, comment: decision.comment },
    });
  });
  return { id: row.id, status: decision.answer };
}

/** Due again at once: the next worker round looks again (the gate is read from its stored state while nothing changed). */
async function stillWaiting(row: Claimed, version: string | null): Promise<AnswerOutcome> {
  await db().gitlabApproval.updateMany({ where: { id: row.id, status: "waiting" }, data: { nextAttemptAt: new Date(), releaseVersion: version } });
  return { id: row.id, status: "waiting" };
}
