// Everything the pure gate needs for one release, read in one go.
import type { Release } from "@/generated/prisma/client";
import { toRoleName } from "@/lib/auth/roles";
import { db, type Tx } from "@/lib/db/client";
import type { GateInput } from "@/lib/gate";
import { toGateItem } from "./snapshot";

type LatestResult = {
  key: string;
  status: "passed" | "failed" | "skipped" | "flaky";
  message: string | null;
  durationMs: number | null;
  commitSha: string;
  environment: string | null;
  variant: string | null;
  startedAt: Date | null;
  reportedAt: Date;
  runUrl: string | null;
};

/**
 * Only the latest run of each key (per environment and variant, such as the browser) can matter to
 * the gate, and ingest keeps exactly those in ResultState, so this reads one row per test, however
 * many runs the release has had:
 * - the latest per key on the release's commit;
 * - the latest on any earlier commit (so that a check the rebuild left without results says "stale");
 * - and, from Result, the latest run that arrived after the commit's first deploy to an environment
 *   (what a `verifyOn` item counts): only runs since that deploy are read.
 */
function latestResultsOf(release: Release, client: Tx): Promise<LatestResult[]> {
  // Sorted by key: the gate lists failing tests in the order it meets them.
  return client.$queryRaw<LatestResult[]>`
    WITH deployed AS (
      SELECT environment, min("deployedAt") AS at FROM "Deployment"
      WHERE "releaseId" = ${release.id}::uuid AND "commitSha" = ${release.commitSha}
      GROUP BY environment
    )
    SELECT key, status::text AS status, message, "durationMs", "commitSha", NULLIF(environment, '') AS environment, NULLIF(variant, '') AS variant, "startedAt", "reportedAt", "runUrl"
    FROM "ResultState"
    WHERE "releaseId" = ${release.id}::uuid AND "commitSha" = ${release.commitSha}
    UNION ALL
    SELECT * FROM (
      SELECT DISTINCT ON (key, environment, variant) key, status::text AS status, message, "durationMs", "commitSha", NULLIF(environment, '') AS environment, NULLIF(variant, '') AS variant, "startedAt", "reportedAt", "runUrl"
      FROM "ResultState"
      WHERE "releaseId" = ${release.id}::uuid AND "commitSha" <> ${release.commitSha}
      ORDER BY key, environment, variant, COALESCE("startedAt", "reportedAt") DESC, "reportedAt" DESC
    ) AS earlier
    UNION ALL
    SELECT * FROM (
      SELECT DISTINCT ON (r.key, r.environment, r.variant) r.key, r.status::text AS status, r.message, r."durationMs", r."commitSha", r.environment, r.variant, r."startedAt", r."reportedAt", r."runUrl"
      FROM deployed JOIN "Result" r
        ON r."releaseId" = ${release.id}::uuid AND r."commitSha" = ${release.commitSha} AND r.environment = deployed.environment AND r."reportedAt" > deployed.at
      ORDER BY r.key, r.environment, r.variant, COALESCE(r."startedAt", r."reportedAt") DESC, r."reportedAt" DESC
    ) AS after_deploy
    ORDER BY key, environment NULLS FIRST, variant NULLS FIRST, "commitSha", "reportedAt" DESC`;
}

export async function loadGateInput(release: Release, environments: string[], client: Tx = db()) {
  // One query at a time: inside a transaction there is a single connection to share.
  // Renderings are only for the release page (rendered-instructions.ts), and can be large.
  const items = await client.releaseItem.findMany({ where: { releaseId: release.id }, orderBy: { position: "asc" }, omit: { renderedInstructions: true } });
  const results = await latestResultsOf(release, client);
  const metrics = await client.metric.findMany({ where: { releaseId: release.id } });
  const signOffs = await client.signOff.findMany({
    where: { releaseId: release.id },
    include: { item: { select: { key: true } }, user: { select: { email: true, name: true } } },
    orderBy: { createdAt: "asc" },
  });
  const rejections = await client.rejection.findMany({
    where: { releaseId: release.id },
    include: { item: { select: { key: true } }, user: { select: { email: true, name: true } } },
    orderBy: { createdAt: "asc" },
  });
  const deployments = await client.deployment.findMany({ where: { releaseId: release.id }, orderBy: { deployedAt: "asc" } });
  const alerts = await client.alert.findMany({ where: { releaseId: release.id } });
  // Active overrides (one per environment at most; the oldest wins should there ever be two).
  const overrides = await client.gateOverride.findMany({ where: { releaseId: release.id, liftedAt: null }, orderBy: { createdAt: "asc" } });
  const project = await client.project.findUniqueOrThrow({ where: { id: release.projectId }, select: { lockedReason: true, lockedBy: true, lockedAt: true } });
  const input: GateInput = {
    commitSha: release.commitSha,
    environments,
    items: items.map(toGateItem),
    results: results.map((r) => ({
      key: r.key,
      status: r.status,
      message: r.message,
      durationMs: r.durationMs,
      commitSha: r.commitSha,
      environment: r.environment,
      variant: r.variant,
      startedAt: r.startedAt,
      reportedAt: r.reportedAt,
      runUrl: r.runUrl,
    })),
    metrics: metrics.map((m) => ({
      name: m.name,
      value: m.value,
      unit: m.unit,
      commitSha: m.commitSha,
      environment: m.environment,
      reportedAt: m.reportedAt,
    })),
    signOffs: signOffs.map((s) => ({
      itemKey: s.item.key,
      userId: s.userId,
      userLabel: s.user.name ?? s.user.email,
      role: toRoleName(s.role),
      environment: s.environment,
      commitSha: s.commitSha,
      createdAt: s.createdAt,
      revokedAt: s.revokedAt,
    })),
    rejections: rejections.map((r) => ({
      itemKey: r.item.key,
      userId: r.userId,
      userLabel: r.user.name ?? r.user.email,
      role: toRoleName(r.role),
      environment: r.environment,
      commitSha: r.commitSha,
      reason: r.reason,
      createdAt: r.createdAt,
    })),
    deployments: deployments.map((d) => ({ environment: d.environment, commitSha: d.commitSha, deployedAt: d.deployedAt })),
    alerts: alerts.map((a) => ({ name: a.name, environment: a.environment, status: a.status === "firing" ? "firing" : "resolved", receivedAt: a.receivedAt })),
    overrides: overrides.map((o) => ({ environment: o.environment, reason: o.reason, by: o.by })),
    lock: project.lockedReason !== null ? { reason: project.lockedReason, by: project.lockedBy } : null,
  };
  return { input, items, signOffs, rejections, deployments, overrides, lock: project };
}

