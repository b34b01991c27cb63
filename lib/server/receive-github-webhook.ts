// A GitHub webhook delivery: find the linked project by repository, verify the signature over the
// raw body, then turn workflow_run / workflow_job / check_run / check_suite into results on the
// release(s) built from the event's head commit; deployment_protection_rule and deployment_status
// go to their own use cases (github-protection-rule.ts, github-deployment-status.ts). The delivery id (X-GitHub-Delivery) is claimed in the same
// transaction as the results, raw payload and audit event, so a redelivery, even a concurrent one,
// is acknowledged without storing anything twice.
import type { Release } from "@/generated/prisma/client";
import type { SystemPrincipal } from "@/lib/auth/principal";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { patternMatches } from "@/lib/gate";
import { installationOf } from "@/lib/ingest/github-deployments";
import { mapGithubEvent, parseGithubBody, repositoryOf, verifyGithubSignature, type GithubResult } from "@/lib/ingest/github";
import { runStartProblem } from "@/lib/validation/run-start";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";
import { receiveDeploymentStatus, type DeploymentStatusResponse } from "./github-deployment-status";
import { receiveProtectionRule, type ProtectionRuleResponse } from "./github-protection-rule";
import { keepLatestRuns } from "./result-state";
import { keepRawPayload } from "./raw-payload";
import { toGateItem } from "./snapshot";

export const GITHUB_SOURCE = "github";
/** Rows that record which run occurrence a delivery reported, so a replayed body is stored once. */
export const GITHUB_OCCURRENCE_SOURCE = "github-run";

export type GithubDelivery = {
  /** X-GitHub-Event */
  event: string | null;
  /** X-GitHub-Delivery */
  deliveryId: string | null;
  /** X-Hub-Signature-256 */
  signature: string | null;
  contentType: string | null;
  /** The body exactly as received: the signature covers these bytes. */
  body: string;
};

export type ReleaseReport = {
  version: string;
  matched: { item: string; results: number }[];
  unmatched: string[];
};

export type GithubWebhookResponse =
  | { status: 200; body: { ok: true; zen: string | null } }
  | { status: 200; body: { duplicate: true; delivery: string } }
  | { status: 202; body: { ignored: string; delivery: string } }
  | { status: 201; body: { delivery: string; event: string; commit: string; accepted: number; results: string[]; releases: ReleaseReport[] } }
  | ProtectionRuleResponse
  | DeploymentStatusResponse;

type Meta = { requestId?: string; ip?: string | null };

const HEADER_VALUE = /^[\x21-\x7e]{1,200}$/;

/** Headers GitHub always sends; checked before the body is read. */
export function assertGithubHeaders(delivery: Pick<GithubDelivery, "event" | "deliveryId">): { event: string; deliveryId: string } {
  const { event, deliveryId } = delivery;
  if (!event) throw new AppError("bad_request", "the X-GitHub-Event header is missing");
  if (!deliveryId) throw new AppError("bad_request", "the X-GitHub-Delivery header is missing");
  if (!HEADER_VALUE.test(event)) throw new AppError("bad_request", "the X-GitHub-Event header is not a valid event name");
  if (!HEADER_VALUE.test(deliveryId)) throw new AppError("bad_request", "the X-GitHub-Delivery header must be 1 to 200 visible ASCII characters");
  return { event, deliveryId };
}

export async function receiveGithubWebhook(meta: Meta, delivery: GithubDelivery): Promise<GithubWebhookResponse> {
  const { event, deliveryId } = assertGithubHeaders(delivery);
  const payload = parseGithubBody(delivery.body, delivery.contentType);

  const fullName = repositoryOf(payload);
  if (!fullName) throw new AppError("bad_request", "the payload has no repository.full_name: link a repository's webhook, not an organization's");
  const repository = fullName.toLowerCase();
  // Only a valid "owner/name" can be linked; anything else (NUL included) can't match a project.
  const project = /^[a-z0-9._-]{1,100}\/[a-z0-9._-]{1,100}$/.test(repository)
    ? await db().project.findUnique({ where: { githubRepository: repository }, include: { environments: { orderBy: { position: "asc" } } } })
    : null;
  if (!project || !project.githubWebhookSecret) throw new AppError("not_found", `repository "${fullName}" is not linked to a Shipcheck project`);

  if (!delivery.signature) throw new AppError("unauthorized", "the X-Hub-Signature-256 header is missing: set the webhook's secret on GitHub");
  if (!(await verifyGithubSignature(project.githubWebhookSecret, delivery.body, delivery.signature))) {
    throw new AppError("unauthorized", "the X-Hub-Signature-256 signature does not match the body and the webhook's secret");
  }

  if (event === "ping") return { status: 200, body: { ok: true, zen: typeof payload.zen === "string" ? payload.zen : null } };

  const principal: SystemPrincipal = { kind: "system", label: `github:${project.githubRepository}` };
  const ctx: ServerContext = { principal, requestId: meta.requestId, ip: meta.ip };

  // Commit statuses are sent as the App's installation that last signed an event for the repository.
  const installation = installationOf(payload);
  if (installation && installation !== project.githubInstallationId) {
    await db().project.update({ where: { id: project.id }, data: { githubInstallationId: installation } });
  }

  if (event === "deployment_protection_rule") {
    const outcome = await receiveProtectionRule({ project, deliveryId, event, payload, ctx });
    return "ignored" in outcome ? { status: 202, body: { ignored: outcome.ignored, delivery: deliveryId } } : outcome;
  }
  if (event === "deployment_status") return receiveDeploymentStatus({ project, repository, deliveryId, event, payload, ctx });

  const mapping = mapGithubEvent(event, payload);
  if ("ignored" in mapping) return { status: 202, body: { ignored: mapping.ignored, delivery: deliveryId } };
  const releases = await releasesForCommit(project.id, mapping.headSha);

  try {
    if (releases.length === 0) {
      const ignored = `no release for commit ${mapping.headSha}`;
      await db().webhookDelivery.create({ data: { source: GITHUB_SOURCE, deliveryId, event, outcome: `ignored: ${ignored}` } });
      return { status: 202, body: { ignored, delivery: deliveryId } };
    }

    const keys = mapping.results.map((r) => r.key);
    const versions = releases.map((r) => r.version);
    await db().$transaction(
      async (tx) => {
        // First, so a concurrent redelivery waits here on the unique index and then fails with P2002.
        await tx.webhookDelivery.create({
          data: { source: GITHUB_SOURCE, deliveryId, event, outcome: `accepted: ${keys.length} result(s) for ${versions.join(", ")}` },
        });
        // A replay of the same run under a new delivery id meets this unique row and is a duplicate.
        if (mapping.occurrence) {
          const occurrence = `${repository}:${mapping.occurrence}`;
          await tx.webhookDelivery.create({ data: { source: GITHUB_OCCURRENCE_SOURCE, deliveryId: occurrence, event, outcome: `delivered as ${deliveryId}` } });
        }
        for (const release of releases) {
          const rows = mapping.results.map((r) => resultRow(r, release, deliveryId));
          await tx.result.createMany({ data: rows });
          await keepLatestRuns(tx, { releaseId: release.id, commitSha: release.commitSha, environment: null, runs: rows.map((r) => ({ ...r, variant: null })) });
          await keepRawPayload(tx, { text: delivery.body, contentType: delivery.contentType }, { projectId: project.id, releaseId: release.id, source: GITHUB_SOURCE, deliveryId });
          await recordAudit(tx, ctx, {
            projectId: project.id,
            releaseId: release.id,
            action: "results.recorded",
            targetType: "release",
            targetId: release.id,
            after: {
              delivery: deliveryId,
              source: GITHUB_SOURCE,
              event,
              repository: fullName,
              count: mapping.results.length,
              keys,
              commit: release.commitSha,
              environment: null,
              run: { id: mapping.results[0]?.runId ?? null, url: mapping.results[0]?.runUrl ?? null },
            },
          });
        }
      },
      { timeout: 60_000, maxWait: 10_000 },
    );

    return {
      status: 201,
      body: {
        delivery: deliveryId,
        event,
        commit: mapping.headSha,
        accepted: mapping.results.length,
        results: keys,
        releases: await Promise.all(releases.map((release) => releaseReport(release, mapping.results))),
      },
    };
  } catch (error) {
    if (isUniqueViolation(error)) return { status: 200, body: { duplicate: true, delivery: deliveryId } };
    throw error;
  }
}

/**
 * Releases of the project built from this commit. A release created with a short SHA (a prefix of
 * the full one, as CI sometimes knows it) counts as that commit, as for results posted by CI.
 */
export async function releasesForCommit(projectId: string, sha: string): Promise<Release[]> {
  const candidates = [sha];
  for (let length = 7; length < sha.length; length++) candidates.push(sha.slice(0, length));
  return db().release.findMany({ where: { projectId, commitSha: { in: candidates } }, orderBy: { createdAt: "asc" } });
}

function resultRow(result: GithubResult, release: Release, deliveryId: string) {
  return {
    releaseId: release.id,
    key: result.key,
    status: result.status,
    durationMs: result.durationMs,
    message: result.message,
    commitSha: release.commitSha,
    environment: null,
    runId: result.runId,
    runUrl: result.runUrl,
    // A start the gate could not trust (a clock far ahead) orders by arrival instead.
    startedAt: result.startedAt && runStartProblem(result.startedAt) === null ? result.startedAt : null,
    source: GITHUB_SOURCE,
    deliveryId,
  };
}

/** Which of the release's items the new results feed, and which keys feed none. */
async function releaseReport(release: Release, results: GithubResult[]): Promise<ReleaseReport> {
  const rows = await db().releaseItem.findMany({ where: { releaseId: release.id }, orderBy: { position: "asc" }, omit: { renderedInstructions: true } });
  const patterns = rows.map(toGateItem).flatMap((item) =>
    item.kind === "check" ? item.patterns.map((p) => ({ item: item.key, pattern: p })) : item.kind === "watch" && item.check ? [{ item: item.key, pattern: item.check }] : [],
  );
  const perItem = new Map<string, number>();
  const unmatched: string[] = [];
  for (const result of results) {
    const hits = new Set(patterns.filter((p) => patternMatches(p.pattern, result.key)).map((p) => p.item));
    if (hits.size === 0) unmatched.push(result.key);
    for (const item of hits) perItem.set(item, (perItem.get(item) ?? 0) + 1);
  }
  return { version: release.version, matched: [...perItem].map(([item, count]) => ({ item, results: count })), unmatched };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}
