// Everything the pure gate needs for one release, read in ONE query: ingest evaluates the gate in
// every report's transaction, and eight round trips through the client cost more than the
// database's work (docs/decisions/006). Rows come back as JSON and are typed here.
import type { Deployment, GateOverride, Rejection, Release, ReleaseItem, Role, SignOff } from "@/generated/prisma/client";
import { toRoleName } from "@/lib/auth/roles";
import { Prisma } from "@/generated/prisma/client";
import { db } from "@/lib/db/client";
import type { SqlClient } from "@/lib/db/pipeline";
import type { GateInput, GateResult, ResultStatus } from "@/lib/gate";
import type { CheckTally } from "@/lib/gate/tally";
import { toGateItem } from "./snapshot";

/** Times travel as milliseconds since the epoch (columns hold UTC without a zone). */
type Ms = number;
const at = (ms: Ms) => new Date(ms);
const atOrNull = (ms: Ms | null) => (ms === null ? null : new Date(ms));

/** key, status, message, durationMs, commitSha, environment, variant, startedAt, reportedAt, runUrl */
type ResultRow = [string, ResultStatus, string | null, number | null, string, string | null, string | null, Ms | null, Ms, string | null];

type ItemRow = Omit<ReleaseItem, "renderedInstructions" | "assignedAt"> & { assignedAt: Ms | null };
type SignOffRow = Omit<SignOff, "createdAt" | "revokedAt"> & { createdAt: Ms; revokedAt: Ms | null; itemKey: string; email: string; name: string | null };
type RejectionRow = Omit<Rejection, "createdAt"> & { createdAt: Ms; itemKey: string; email: string; name: string | null };
type DeploymentRow = Omit<Deployment, "deployedAt"> & { deployedAt: Ms };
type OverrideRow = Omit<GateOverride, "createdAt" | "liftedAt"> & { createdAt: Ms; liftedAt: Ms | null };
type Snapshot = {
  items: ItemRow[];
  results: ResultRow[];
  metrics: { name: string; value: number | null; error: string | null; query: string | null; unit: string | null; commitSha: string; environment: string | null; reportedAt: Ms }[];
  signOffs: SignOffRow[];
  rejections: RejectionRow[];
  deployments: DeploymentRow[];
  alerts: { name: string; environment: string; status: string; receivedAt: Ms }[];
  overrides: OverrideRow[];
  lock: { lockedReason: string | null; lockedBy: string | null; lockedAt: Ms | null };
  /** Tallied only. */
  failing?: ResultRow[];
  tallies?: [string, string, string, number, number, number, number, number[], number | null, number | null, string | null][];
};

const toResult = ([key, status, message, durationMs, commitSha, environment, variant, startedAt, reportedAt, runUrl]: ResultRow): GateResult => ({
  key,
  status,
  message,
  durationMs,
  commitSha,
  environment,
  variant,
  startedAt: atOrNull(startedAt),
  reportedAt: at(reportedAt),
  runUrl,
});

const RUN_ARRAY = Prisma.sql`json_build_array(
  l.key, l.status, l.message, l."durationMs", l."commitSha", l.environment, l.variant,
  (extract(epoch FROM l."startedAt") * 1000)::float8, (extract(epoch FROM l."reportedAt") * 1000)::float8, l."runUrl")`;

const RUN_COLUMNS = Prisma.sql`key, status::text AS status, message, "durationMs", "commitSha", NULLIF(environment, '') AS environment, NULLIF(variant, '') AS variant, "startedAt", "reportedAt", "runUrl"`;

/**
 * Only the latest run of each key (per environment and variant, such as the browser) can matter to
 * the gate, and ingest keeps exactly those in ResultState, and what checks need of them in numbers
 * in CheckTally. For the gate ("tallied") this reads the tallies, the kept runs of the release's
 * commit whose keys have a failing one, and the runs since deploys: from Result, on the commit,
 * those that arrived after its first deploy to an environment (what a `verifyOn` item counts), and
 * from ResultState, when the release has a watch item with a check, those since the earliest
 * environment's latest deploy. For the page ("all") it reads every kept run instead of tallies:
 * the latest per key on the release's commit and on any earlier commit (so that a check the
 * rebuild left without results says "stale"), and the runs since deploys. Sorted by key: the gate
 * lists failing tests in the order it meets them.
 */
/** Within one key, environment and variant, the run that counts first (lib/gate/tally.ts countsOver): newer, then worse. */
const countingFirst = (t: string) =>
  Prisma.raw(`COALESCE(${t}"startedAt", ${t}"reportedAt") DESC, ${t}"reportedAt" DESC, CASE ${t}status WHEN 'failed' THEN 0 WHEN 'flaky' THEN 1 WHEN 'skipped' THEN 2 ELSE 3 END`);

async function snapshotOf(release: Release, client: SqlClient, tallied: boolean): Promise<Snapshot> {
  const id = release.id;
  const commit = release.commitSha;
  const afterDeploy = Prisma.sql`
      SELECT * FROM (
        SELECT DISTINCT ON (r.key, r.environment, r.variant) r.key, r.status::text AS status, r.message, r."durationMs", r."commitSha", r.environment, r.variant, r."startedAt", r."reportedAt", r."runUrl"
        FROM deployed JOIN "Result" r
          ON r."releaseId" = ${id}::uuid AND r."commitSha" = ${commit} AND r.environment = deployed.environment AND r."reportedAt" > deployed.at
        ORDER BY r.key, r.environment, r.variant, ${countingFirst("r.")}
      ) AS after_deploy`;
  const runs = tallied
    ? Prisma.sql`
      SELECT ${RUN_COLUMNS} FROM "ResultState"
      WHERE "releaseId" = ${id}::uuid AND "commitSha" = ${commit}
        AND EXISTS (SELECT 1 FROM "ReleaseItem" w WHERE w."releaseId" = ${id}::uuid AND w.kind = 'watch' AND w.config->'check' IS NOT NULL)
        AND COALESCE("startedAt", "reportedAt") > (SELECT min(at) FROM (SELECT max("deployedAt") AS at FROM "Deployment" WHERE "releaseId" = ${id}::uuid GROUP BY environment) AS latest_deploys)
      UNION ALL
      ${afterDeploy}`
    : Prisma.sql`
      SELECT ${RUN_COLUMNS} FROM "ResultState"
      WHERE "releaseId" = ${id}::uuid AND "commitSha" = ${commit}
      UNION ALL
      SELECT * FROM (
        SELECT DISTINCT ON (key, environment, variant) ${RUN_COLUMNS}
        FROM "ResultState"
        WHERE "releaseId" = ${id}::uuid AND "commitSha" <> ${commit}
        ORDER BY key, environment, variant, ${countingFirst("")}
      ) AS earlier
      UNION ALL
      ${afterDeploy}`;
  const tallies = tallied
    ? Prisma.sql`,
      'failing', (SELECT coalesce(json_agg(${RUN_ARRAY} ORDER BY l.key, l.environment NULLS FIRST, l.variant NULLS FIRST), '[]') FROM (
          -- Key by key: a LATERAL with OFFSET 0 is not flattened into a join, so each is one index
          -- lookup; a join guessed on fresh statistics filtered every kept run per failing one (O(tests²)).
          SELECT s.* FROM (
            SELECT DISTINCT key FROM "FailingRun" WHERE "releaseId" = ${id}::uuid AND "commitSha" = ${commit}
          ) AS f, LATERAL (SELECT ${RUN_COLUMNS} FROM "ResultState" WHERE "releaseId" = ${id}::uuid AND "commitSha" = ${commit} AND key = f.key OFFSET 0) AS s
        ) AS l),
      'tallies', (SELECT coalesce(json_agg(json_build_array(t."commitSha", t.item, t.place, t.passed, t.failed, t.flaky, t.skipped, to_json(t.patterns), t."newestAt", t."newestReportedAt", t."newestRunUrl")), '[]')
        FROM "CheckTally" t WHERE t."releaseId" = ${id}::uuid)`
    : Prisma.empty;
  const [row] = await client.$queryRaw<[{ snapshot: Snapshot }]>`
    WITH deployed AS (
      SELECT environment, min("deployedAt") AS at FROM "Deployment"
      WHERE "releaseId" = ${id}::uuid AND "commitSha" = ${commit}
      GROUP BY environment
    ), latest AS (${runs})
    SELECT json_build_object(
      'items', (SELECT coalesce(json_agg(json_build_object(
          'id', i.id, 'releaseId', i."releaseId", 'key', i.key, 'section', i.section, 'phase', i.phase, 'position', i.position, 'kind', i.kind,
          'title', i.title, 'instructions', i.instructions, 'required', i.required, 'environments', to_json(i.environments), 'config', i.config, 'version', i.version,
          'assigneeId', i."assigneeId", 'assignedById', i."assignedById", 'assignedAt', (extract(epoch FROM i."assignedAt") * 1000)::float8
        ) ORDER BY i.position), '[]') FROM "ReleaseItem" i WHERE i."releaseId" = ${id}::uuid),
      'results', (SELECT coalesce(json_agg(${RUN_ARRAY} ORDER BY l.key, l.environment NULLS FIRST, l.variant NULLS FIRST, l."commitSha", l."reportedAt" DESC), '[]') FROM latest l),
      'metrics', (SELECT coalesce(json_agg(json_build_object(
          'name', m.name, 'value', m.value, 'error', m.error, 'query', m.query, 'unit', m.unit, 'commitSha', m."commitSha", 'environment', m.environment,
          'reportedAt', (extract(epoch FROM m."reportedAt") * 1000)::float8
        )), '[]') FROM "Metric" m WHERE m."releaseId" = ${id}::uuid),
      'signOffs', (SELECT coalesce(json_agg(json_build_object(
          'id', s.id, 'releaseId', s."releaseId", 'itemId', s."itemId", 'userId', s."userId", 'role', s.role, 'environment', s.environment,
          'commitSha', s."commitSha", 'comment', s.comment, 'evidenceUrl', s."evidenceUrl", 'evidenceId', s."evidenceId",
          'createdAt', (extract(epoch FROM s."createdAt") * 1000)::float8, 'revokedAt', (extract(epoch FROM s."revokedAt") * 1000)::float8,
          'revokedById', s."revokedById", 'revokeReason', s."revokeReason", 'itemKey', i.key, 'email', u.email, 'name', u.name
        ) ORDER BY s."createdAt", s.id), '[]')
        FROM "SignOff" s JOIN "ReleaseItem" i ON i.id = s."itemId" JOIN "User" u ON u.id = s."userId" WHERE s."releaseId" = ${id}::uuid),
      'rejections', (SELECT coalesce(json_agg(json_build_object(
          'id', r.id, 'releaseId', r."releaseId", 'itemId', r."itemId", 'userId', r."userId", 'role', r.role, 'environment', r.environment,
          'commitSha', r."commitSha", 'reason', r.reason, 'revokedSignOffId', r."revokedSignOffId",
          'createdAt', (extract(epoch FROM r."createdAt") * 1000)::float8, 'itemKey', i.key, 'email', u.email, 'name', u.name
        ) ORDER BY r."createdAt", r.id), '[]')
        FROM "Rejection" r JOIN "ReleaseItem" i ON i.id = r."itemId" JOIN "User" u ON u.id = r."userId" WHERE r."releaseId" = ${id}::uuid),
      'deployments', (SELECT coalesce(json_agg(json_build_object(
          'id', d.id, 'releaseId', d."releaseId", 'projectId', d."projectId", 'environment', d.environment, 'commitSha', d."commitSha",
          'overridden', d.overridden, 'deployedBy', d."deployedBy", 'deployedAt', (extract(epoch FROM d."deployedAt") * 1000)::float8
        ) ORDER BY d."deployedAt", d.id), '[]') FROM "Deployment" d WHERE d."releaseId" = ${id}::uuid),
      'alerts', (SELECT coalesce(json_agg(json_build_object(
          'name', a.name, 'environment', a.environment, 'status', a.status, 'receivedAt', (extract(epoch FROM a."receivedAt") * 1000)::float8
        )), '[]') FROM "Alert" a WHERE a."releaseId" = ${id}::uuid),
      -- Active overrides (one per environment at most; the oldest wins should there ever be two).
      'overrides', (SELECT coalesce(json_agg(json_build_object(
          'id', o.id, 'releaseId', o."releaseId", 'environment', o.environment, 'reason', o.reason, 'by', o.by,
          'createdAt', (extract(epoch FROM o."createdAt") * 1000)::float8, 'liftedAt', (extract(epoch FROM o."liftedAt") * 1000)::float8, 'liftedBy', o."liftedBy"
        ) ORDER BY o."createdAt", o.id), '[]') FROM "GateOverride" o WHERE o."releaseId" = ${id}::uuid AND o."liftedAt" IS NULL),
      'lock', (SELECT json_build_object('lockedReason', p."lockedReason", 'lockedBy', p."lockedBy", 'lockedAt', (extract(epoch FROM p."lockedAt") * 1000)::float8)
        FROM "Project" p WHERE p.id = ${release.projectId}::uuid)${tallies}
    ) AS snapshot`;
  return row.snapshot;
}

/**
 * The gate's input. `results: "all"` hands over every kept run instead of tallies, for what lists
 * results by name (the release page, an item's results, the evidence pack); the gate decides the
 * same either way (lib/gate/gate.property.test.ts). A release from before tallies is read in full
 * until its next report tallies it.
 */
export async function loadGateInput(release: Release, environments: string[], client: SqlClient = db(), options: { results?: "tallied" | "all" } = {}) {
  const tallied = options.results !== "all" && release.tallied;
  const snapshot = await snapshotOf(release, client, tallied);
  const items = snapshot.items.map((i) => ({ ...i, assignedAt: atOrNull(i.assignedAt) }));
  const signOffs = snapshot.signOffs.map(({ itemKey, email, name, createdAt, revokedAt, ...s }) => ({
    ...s,
    role: s.role as Role,
    createdAt: at(createdAt),
    revokedAt: atOrNull(revokedAt),
    item: { key: itemKey },
    user: { email, name },
  }));
  const rejections = snapshot.rejections.map(({ itemKey, email, name, createdAt, ...r }) => ({
    ...r,
    role: r.role as Role,
    createdAt: at(createdAt),
    item: { key: itemKey },
    user: { email, name },
  }));
  const deployments: Deployment[] = snapshot.deployments.map((d) => ({ ...d, deployedAt: at(d.deployedAt) }));
  const overrides: GateOverride[] = snapshot.overrides.map((o) => ({ ...o, createdAt: at(o.createdAt), liftedAt: atOrNull(o.liftedAt) }));
  const lock = { ...snapshot.lock, lockedAt: atOrNull(snapshot.lock.lockedAt) };
  const input: GateInput = {
    commitSha: release.commitSha,
    environments,
    items: items.map(toGateItem),
    results: snapshot.results.map(toResult),
    metrics: snapshot.metrics.map((m) => ({ ...m, value: m.value === null ? null : Number(m.value), reportedAt: at(m.reportedAt) })),
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
    alerts: snapshot.alerts.map((a) => ({ name: a.name, environment: a.environment, status: a.status === "firing" ? "firing" : "resolved", receivedAt: at(a.receivedAt) })),
    overrides: overrides.map((o) => ({ environment: o.environment, reason: o.reason, by: o.by })),
    lock: lock.lockedReason !== null ? { reason: lock.lockedReason, by: lock.lockedBy } : null,
    ...(tallied
      ? {
          tallies: {
            checks: (snapshot.tallies ?? []).map(([commitSha, item, place, passed, failed, flaky, skipped, patterns, newestAt, newestReportedAt, runUrl]): CheckTally => ({
              item,
              commitSha,
              place,
              passed,
              failed,
              flaky,
              skipped,
              patterns,
              newest: newestAt === null || newestReportedAt === null ? null : { at: newestAt, reportedAt: newestReportedAt, runUrl },
            })),
            failing: (snapshot.failing ?? []).map(toResult),
          },
        }
      : {}),
  };
  return { input, items, signOffs, rejections, deployments, overrides, lock };
}
