// A deployment_protection_rule request from GitHub (signature already checked). Stored, with an
// audit event that moves the release's revision, so the notification worker evaluates the gate
// with the one gate function and answers it: approved when open, rejected when something failed
// or was rejected, otherwise kept waiting until the gate decides (see docs/decisions/016).
// With no release for the commit, or an environment the project lacks, it is rejected at once.
import type { Project } from "@/generated/prisma/client";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { githubAppCredentials, reviewPath } from "@/lib/github/config";
import { markdownText, rejectionComment } from "@/lib/github/gate-answer";
import { answerProtectionRequest } from "@/lib/github/protection-requests";
import { protectionRuleRequest } from "@/lib/ingest/github-deployments";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";
import { GITHUB_SOURCE, releasesForCommit } from "./receive-github-webhook";

export type ProtectionRuleResponse =
  | { status: 202; body: { delivery: string; environment: string; release: string | null; answer: "waiting" | "rejected"; reason?: string } }
  | { status: 200; body: { duplicate: true; delivery: string } };

type Received = { project: Project & { environments: { name: string }[] }; deliveryId: string; event: string; payload: unknown; ctx: ServerContext };

export async function receiveProtectionRule({ project, deliveryId, event, payload, ctx }: Received): Promise<ProtectionRuleResponse | { ignored: string }> {
  const action = (payload as { action?: unknown }).action;
  if (action !== "requested") return { ignored: `deployment_protection_rule action "${String(action ?? "(none)")}" is not "requested"` };
  const request = protectionRuleRequest(payload);
  if (!request.installationId) throw new AppError("validation_failed", "the event names no installation: deployment protection rules are answered by a GitHub App installed on the repository");
  if (!githubAppCredentials(project)) {
    throw new AppError("validation_failed", `project "${project.slug}" has no GitHub App to answer with: set its App id and private key (or SHIPCHECK_GITHUB_APP_ID and SHIPCHECK_GITHUB_APP_PRIVATE_KEY)`);
  }
  if (!reviewPath(request.callbackUrl)) {
    throw new AppError("validation_failed", "deployment_callback_url is not a deployment protection rule address on the configured GitHub API", [{ path: "deployment_callback_url", message: "not on the GitHub API" }]);
  }

  const environments = project.environments.map((e) => e.name);
  const release = (await releasesForCommit(project.id, request.sha)).filter((r) => r.status !== "abandoned").at(-1) ?? null;
  const problem = !release
    ? `no Shipcheck release of ${project.slug} is built from commit ${request.sha}`
    : !environments.includes(request.environment)
      ? `"${request.environment}" is not an environment of ${project.slug} in Shipcheck (it has ${environments.join(", ")}); name the GitHub environment like the Shipcheck one`
      : null;

  try {
    return await db().$transaction(async (tx) => {
      await tx.webhookDelivery.create({ data: { source: GITHUB_SOURCE, deliveryId, event, outcome: problem ? `rejected: ${problem}` : `waiting: ${release!.version} ${request.environment}` } });
      const row = await tx.githubProtectionRequest.create({
        data: { projectId: project.id, releaseId: release?.id ?? null, environment: request.environment, callbackUrl: request.callbackUrl, installationId: request.installationId!, deliveryId, sha: request.sha },
      });
      await tx.project.update({ where: { id: project.id }, data: { githubInstallationId: request.installationId } });
      if (problem) {
        const comment = rejectionComment("Shipcheck cannot judge this deployment", [{ title: "Release", reason: "unknown", detail: problem }], markdownText(project.name));
        await answerProtectionRequest(tx, row, { state: "rejected", comment });
      }
      await recordAudit(tx, ctx, {
        projectId: project.id,
        releaseId: release?.id ?? null,
        action: "github.deployment_requested",
        targetType: release ? "release" : "project",
        targetId: release?.id ?? project.id,
        after: { delivery: deliveryId, environment: request.environment, commit: request.sha, answer: problem ? "rejected" : "waiting", reason: problem },
      });
      const body = { delivery: deliveryId, environment: request.environment, release: release?.version ?? null, answer: problem ? ("rejected" as const) : ("waiting" as const) };
      return { status: 202 as const, body: problem ? { ...body, reason: problem } : body };
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") return { status: 200, body: { duplicate: true, delivery: deliveryId } };
    throw error;
  }
}
