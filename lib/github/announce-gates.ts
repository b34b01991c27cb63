// After the worker evaluated a release's gates (lib/notifications/announce.ts, in its locked
// transaction): a commit status for each environment whose gate now reads differently than the
// status last sent for this commit, and answers to protection rule requests that can be decided.
import type { Project, Release } from "@/generated/prisma/client";
import type { Tx } from "@/lib/db/client";
import type { GateDecision } from "@/lib/gate";
import { releaseUrl } from "@/lib/notifications/message";
import { githubAppCredentials } from "./config";
import { commitStatusBody, protectionAnswer } from "./gate-answer";
import { enqueueGithubCall, statusPath } from "./outbox";
import { answerProtectionRequest } from "./protection-requests";

/** What was last sent as commit statuses: for which commit, and per environment `state|description`. */
export type SentStatuses = { sha: string; statuses: Record<string, string> };

export async function announceToGithub(
  tx: Tx,
  release: Release & { project: Project },
  gates: GateDecision[],
  lastSent: SentStatuses | null,
): Promise<SentStatuses | null> {
  const project = release.project;
  if (!project.githubRepository) return lastSent;
  await answerWaitingRequests(tx, release, gates);

  // Statuses need the App's installation on the repository (learnt from its signed events).
  if (!project.githubInstallationId || !githubAppCredentials(project)) return lastSent;
  const before = lastSent?.sha === release.commitSha ? lastSent.statuses : {};
  const statuses: Record<string, string> = {};
  for (const gate of gates) {
    const body = commitStatusBody(gate, gates, releaseUrl(project.slug, release.version, gate.environment));
    const said = `${body.state}|${body.description}`;
    statuses[gate.environment] = said;
    if (before[gate.environment] === said) continue;
    await enqueueGithubCall(tx, { projectId: project.id, releaseId: release.id }, {
      type: "github.status",
      installationId: project.githubInstallationId,
      path: statusPath(project.githubRepository, release.commitSha),
      body,
    });
  }
  return { sha: release.commitSha, statuses };
}

async function answerWaitingRequests(tx: Tx, release: Release & { project: Project }, gates: GateDecision[]): Promise<void> {
  const waiting = await tx.githubProtectionRequest.findMany({ where: { releaseId: release.id, status: "waiting" }, orderBy: { createdAt: "asc" } });
  for (const request of waiting) {
    const decision = gates.find((g) => g.environment === request.environment);
    if (!decision) continue;
    const answer = protectionAnswer(decision, gates, { version: release.version, url: releaseUrl(release.project.slug, release.version, decision.environment) });
    if (answer) await answerProtectionRequest(tx, request, answer);
  }
}
