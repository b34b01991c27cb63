// A successful deployment_status from GitHub records a deploy of the release built from the
// deployment's commit, to the Shipcheck environment named like the GitHub one, through the same
// use case as POST …/deployments (so a closed gate refuses it). Once per delivery, and once per
// deployment status however many times GitHub sends it.
import type { Project } from "@/generated/prisma/client";
import { AppError } from "@/lib/errors";
import { deploymentOf } from "@/lib/ingest/github-deployments";
import type { ServerContext } from "./context";
import { GITHUB_OCCURRENCE_SOURCE, GITHUB_SOURCE, releasesForCommit } from "./receive-github-webhook";
import { recordDeployment } from "./record-deployment";

export type DeploymentStatusResponse =
  | { status: 201; body: { delivery: string; release: string; environment: string; deployment: string } }
  | { status: 200; body: { duplicate: true; delivery: string } }
  | { status: 202; body: { ignored: string; delivery: string } };

type Received = { project: Project & { environments: { name: string }[] }; repository: string; deliveryId: string; event: string; payload: unknown; ctx: ServerContext };

export async function receiveDeploymentStatus({ project, repository, deliveryId, event, payload, ctx }: Received): Promise<DeploymentStatusResponse> {
  const deploy = deploymentOf(payload);
  if ("ignored" in deploy) return { status: 202, body: { ignored: deploy.ignored, delivery: deliveryId } };
  const release = (await releasesForCommit(project.id, deploy.sha)).filter((r) => r.status !== "abandoned").at(-1);
  if (!release) return { status: 202, body: { ignored: `no release for commit ${deploy.sha}`, delivery: deliveryId } };
  if (!project.environments.some((e) => e.name === deploy.environment)) {
    return { status: 202, body: { ignored: `"${deploy.environment}" is not an environment of ${project.slug} in Shipcheck`, delivery: deliveryId } };
  }
  try {
    const recorded = await recordDeployment(ctx, project.slug, release.version, deploy.environment, async (tx) => {
      await tx.webhookDelivery.create({ data: { source: GITHUB_SOURCE, deliveryId, event, outcome: `deploy of ${release.version} to ${deploy.environment}` } });
      await tx.webhookDelivery.create({ data: { source: GITHUB_OCCURRENCE_SOURCE, deliveryId: `${repository}:deployment_status:${deploy.statusId}`, event, outcome: `delivered as ${deliveryId}` } });
    });
    return { status: 201, body: { delivery: deliveryId, release: release.version, environment: deploy.environment, deployment: recorded.id } };
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") return { status: 200, body: { duplicate: true, delivery: deliveryId } };
    // The gate is closed: GitHub deployed anyway (no protection rule there); say so, record nothing.
    if (error instanceof AppError && error.code === "conflict") return { status: 202, body: { ignored: `not recorded: ${error.message}`, delivery: deliveryId } };
    throw error;
  }
}
