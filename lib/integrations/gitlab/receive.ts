// A GitLab Deployment Hook delivery. The project is found by the GitLab project id in the payload
// together with the secret token GitLab sends (X-Gitlab-Token, compared in constant time against
// the stored hash). A deployment `blocked` on a protected environment becomes a waiting approval,
// answered at once when the gate already decides it, otherwise by the worker when it does.
// Idempotent: a delivery (Idempotency-Key, else X-Gitlab-Event-UUID) and a deployment are taken once.
import type { SystemPrincipal } from "@/lib/auth/principal";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { recordAudit } from "@/lib/server/audit";
import { findProjectById } from "./project";
import { answerWaitingApprovals } from "./answer";
import { commitOf, DEPLOYMENT_HOOK, gitlabProjectIdOf, parseDeploymentHook } from "./payload";
import { environmentFor, releaseForCommit } from "./releases";
import { webhookTokenMatches } from "./secret-token";

export const GITLAB_SOURCE = "gitlab";

/** Statuses after which GitLab no longer waits for an approval. */
const ENDED = new Set(["running", "success", "failed", "canceled", "skipped"]);

export type GitlabDelivery = {
  /** X-Gitlab-Event */
  event: string | null;
  /** X-Gitlab-Token */
  token: string | null;
  /** Idempotency-Key, else X-Gitlab-Event-UUID */
  deliveryId: string | null;
  body: unknown;
};

export type GitlabWebhookResponse =
  | { status: 200; body: { duplicate: true; delivery: string } }
  | { status: 202; body: { ignored: string; delivery: string } }
  | { status: 201; body: { delivery: string; deployment: string; environment: string; release: string | null; answer: "approved" | "rejected" | "waiting" } };

type Meta = { requestId?: string; ip?: string | null };

const HEADER_VALUE = /^[\x21-\x7e]{1,200}$/;

export function assertGitlabHeaders(delivery: Pick<GitlabDelivery, "token" | "deliveryId">): void {
  if (!delivery.token) throw new AppError("unauthorized", "the X-Gitlab-Token header is missing: set the webhook's secret token in GitLab to the one Shipcheck gave");
  if (delivery.deliveryId !== null && !HEADER_VALUE.test(delivery.deliveryId)) throw new AppError("bad_request", "the Idempotency-Key / X-Gitlab-Event-UUID header must be 1 to 200 visible ASCII characters");
}

export async function receiveGitlabWebhook(meta: Meta, delivery: GitlabDelivery): Promise<GitlabWebhookResponse> {
  assertGitlabHeaders(delivery);
  const gitlabProjectId = gitlabProjectIdOf(delivery.body);
  const links = await db().gitlabLink.findMany({ where: { gitlabProjectId } });
  if (links.length === 0) throw new AppError("not_found", `GitLab project ${gitlabProjectId} is not linked to a Shipcheck project`);
  // Every candidate is compared, so the time taken does not say which one (if any) matched.
  const matches = links.map((l) => webhookTokenMatches(delivery.token!, l.webhookTokenHash));
  const link = links[matches.indexOf(true)];
  if (!link) throw new AppError("unauthorized", "the X-Gitlab-Token does not match the webhook secret token of this GitLab project's link");

  const hook = delivery.event === DEPLOYMENT_HOOK ? parseDeploymentHook(delivery.body) : null;
  const deliveryId = delivery.deliveryId ?? (hook ? `deployment:${hook.deployment_id}:${hook.status}:${hook.status_changed_at ?? ""}` : "unknown");
  if (!hook) return { status: 202, body: { ignored: `event "${delivery.event ?? "(none)"}": only Deployment Hook is read`, delivery: deliveryId } };

  const project = await findProjectById(link.projectId);
  const principal: SystemPrincipal = { kind: "system", label: `gitlab:${gitlabProjectId}` };
  const ctx = { principal, requestId: meta.requestId, ip: meta.ip };

  if (hook.status !== "blocked") {
    if (ENDED.has(hook.status)) {
      // GitLab went on (approved by people, canceled, or ran): nothing to answer any more.
      await db().gitlabApproval.updateMany({ where: { projectId: project.id, gitlabProjectId, deploymentId: BigInt(hook.deployment_id), status: "waiting" }, data: { status: "ended", lastError: `the deployment is ${hook.status} in GitLab` } });
    }
    return { status: 202, body: { ignored: `deployment ${hook.deployment_id} is ${hook.status}: only blocked deployments wait for Shipcheck`, delivery: deliveryId } };
  }

  const environments = project.environments.map((e) => e.name);
  const environment = environmentFor(environments, hook.environment, hook.environment_tier);
  if (!environment) {
    return { status: 202, body: { ignored: `GitLab environment "${hook.environment}" is none of this project's (${environments.join(", ")}): name it like one of them`, delivery: deliveryId } };
  }
  const commit = commitOf(hook);
  if (!commit) throw new AppError("bad_request", "the payload names no commit (commit_url or short_sha)");
  const release = await releaseForCommit(project.id, commit);

  let approvalId: string;
  try {
    approvalId = await db().$transaction(async (tx) => {
      // First, so a concurrent redelivery waits on the unique index and then fails with P2002.
      await tx.webhookDelivery.create({ data: { source: GITLAB_SOURCE, deliveryId, event: DEPLOYMENT_HOOK, outcome: `deployment ${hook.deployment_id} waiting on ${environment}` } });
      const row = await tx.gitlabApproval.create({
        data: { projectId: project.id, gitlabProjectId, deploymentId: BigInt(hook.deployment_id), gitlabEnvironment: hook.environment, environment, commitSha: commit, releaseVersion: release?.version ?? null },
      });
      await recordAudit(tx, ctx, {
        projectId: project.id,
        releaseId: release?.id ?? null,
        action: "gitlab.deployment_waiting",
        targetType: "gitlab_deployment",
        targetId: String(hook.deployment_id),
        after: { deployment: hook.deployment_id, gitlabEnvironment: hook.environment, environment, commit, delivery: deliveryId },
      });
      return row.id;
    });
  } catch (error) {
    // The same delivery, or another delivery of a deployment already waiting: taken once.
    if ((error as { code?: string }).code === "P2002") return { status: 200, body: { duplicate: true, delivery: deliveryId } };
    throw error;
  }

  const [answered] = await answerWaitingApprovals({ ids: [approvalId] });
  const status = answered?.status === "approved" || answered?.status === "rejected" ? answered.status : "waiting";
  return { status: 201, body: { delivery: deliveryId, deployment: String(hook.deployment_id), environment, release: release?.version ?? null, answer: status } };
}
