// Each release's gates kept with the revision they were evaluated at (ReleaseGateState), so that
// the gate API, badges, lists and the overview read one row per release instead of evaluating it.
// Every change to a release or its project is audited in the change's own transaction, so the ids
// of the latest audit events are a revision that moves with every change that could move a gate.
import { Prisma, type Release } from "@/generated/prisma/client";
import { db } from "@/lib/db/client";
import { summarizeGate, type GateDecision, type GateSummary } from "@/lib/gate";
import { healthOf, type ReleaseHealth } from "./release-gates";

/** Outdated releases evaluated at the same time when a list or the overview needs them. */
const EVALUATE_AT_ONCE = 4;

/** A release's current revision, for a query over `"Release" r`. */
const REVISION = Prisma.sql`concat('r', (SELECT max(a.id) FROM "AuditEvent" a WHERE a."releaseId" = r.id),
  ':p', (SELECT max(a.id) FROM "AuditEvent" a WHERE a."projectId" = r."projectId" AND a."releaseId" IS NULL))`;

/** Stored gates fit when they are for the environments wanted, in order (a project's may change). */
const fits = (stored: { environment: string }[], wanted: string[]) => stored.length === wanted.length && stored.every((g, i) => g.environment === wanted[i]);

type Revisions = { releaseId: string; revision: string; stored: string | null; gates: unknown; rollbackRecommended: unknown };

/**
 * The current revision of each release, beside the stored gates and the revision they were
 * stored at, in one query.
 */
async function revisionsOf(releases: Pick<Release, "id" | "projectId">[]): Promise<Map<string, Revisions>> {
  if (releases.length === 0) return new Map();
  const rows = await db().$queryRaw<Revisions[]>`
    SELECT r.id AS "releaseId", ${REVISION} AS revision, s.revision AS stored, s.gates, s."rollbackRecommended"
    FROM unnest(${releases.map((r) => r.id)}::uuid[]) AS ids(id)
    JOIN "Release" r ON r.id = ids.id
    LEFT JOIN "ReleaseGateState" s ON s."releaseId" = r.id`;
  return new Map(rows.map((row) => [row.releaseId, row]));
}

async function store(releaseId: string, revision: string, health: ReleaseHealth): Promise<void> {
  const gates = health.gates as unknown as Prisma.InputJsonValue;
  const rollbackRecommended = health.rollbackRecommended as Prisma.InputJsonValue;
  await db().releaseGateState.upsert({
    where: { releaseId },
    create: { releaseId, revision, gates, rollbackRecommended },
    update: { revision, gates, rollbackRecommended, evaluatedAt: new Date() },
  });
}

/**
 * The gates of each release for the given environments: stored ones when nothing changed since
 * they were evaluated, otherwise evaluated now (by the one gate function) and stored. The revision
 * is read before the evidence, so gates are never stored under a revision newer than their input.
 */
export async function currentHealth(releases: Release[], environments: (release: Release) => string[]): Promise<Map<string, ReleaseHealth & { revision: string }>> {
  const revisions = await revisionsOf(releases);
  const out = new Map<string, ReleaseHealth & { revision: string }>();
  const outdated: Release[] = [];
  for (const release of releases) {
    const row = revisions.get(release.id);
    const wanted = environments(release);
    const stored = row && row.stored === row.revision ? (row.gates as GateDecision[]) : null;
    // A project whose environments changed since is evaluated again too.
    if (stored && fits(stored, wanted)) {
      out.set(release.id, { gates: stored, rollbackRecommended: row!.rollbackRecommended as string[], revision: row!.revision });
    } else outdated.push(release);
  }
  // A few at a time: each is a handful of queries, and the database works while the app waits.
  let next = 0;
  const worker = async () => {
    while (next < outdated.length) {
      const release = outdated[next++]!;
      const row = revisions.get(release.id);
      const health = await healthOf(release, environments(release));
      if (row) await store(release.id, row.revision, health);
      out.set(release.id, { ...health, revision: row?.revision ?? "" });
    }
  };
  await Promise.all(Array.from({ length: Math.min(EVALUATE_AT_ONCE, outdated.length) }, worker));
  // In the order asked for, as callers list them.
  return new Map(releases.map((r) => [r.id, out.get(r.id)!]));
}

export type HealthSummary = { gates: GateSummary[]; rollbackRecommended: string[] };

/**
 * What lists show of each release's gates (summarizeGate), in one query: the summaries are cut
 * from the stored gates by the database, so a thousand releases' blockers never reach the app.
 * Outdated ones are evaluated and stored as currentHealth does, then summarised here.
 */
export async function currentGateSummaries(releases: Release[], environments: (release: Release) => string[]): Promise<Map<string, HealthSummary>> {
  if (releases.length === 0) return new Map();
  const rows = await db().$queryRaw<{ releaseId: string; current: boolean; summaries: GateSummary[]; rollbackRecommended: unknown }[]>`
    SELECT r.id AS "releaseId", s.revision IS NOT DISTINCT FROM ${REVISION} AS current, s."rollbackRecommended",
      (SELECT coalesce(jsonb_agg(jsonb_build_object(
          'environment', g->>'environment', 'open', (g->>'open')::boolean, 'overridden', (g->>'overridden')::boolean,
          'blocking', jsonb_array_length(g->'blocking'),
          'firstBlocker', CASE WHEN jsonb_array_length(g->'blocking') > 0 THEN concat(g->'blocking'->0->>'title', ': ', g->'blocking'->0->>'detail') END
        ) ORDER BY e.ord), '[]'::jsonb)
       FROM jsonb_array_elements(s.gates) WITH ORDINALITY AS e(g, ord)) AS summaries
    FROM unnest(${releases.map((r) => r.id)}::uuid[]) AS ids(id)
    JOIN "Release" r ON r.id = ids.id
    LEFT JOIN "ReleaseGateState" s ON s."releaseId" = r.id`;
  const byId = new Map(rows.map((row) => [row.releaseId, row]));
  const out = new Map<string, HealthSummary>();
  const outdated: Release[] = [];
  for (const release of releases) {
    const row = byId.get(release.id);
    if (row?.current && fits(row.summaries, environments(release))) {
      out.set(release.id, { gates: row.summaries, rollbackRecommended: row.rollbackRecommended as string[] });
    } else outdated.push(release);
  }
  for (const [id, health] of await currentHealth(outdated, environments)) {
    out.set(id, { gates: health.gates.map(summarizeGate), rollbackRecommended: health.rollbackRecommended });
  }
  return new Map(releases.map((r) => [r.id, out.get(r.id)!]));
}

export async function releaseHealth(release: Release, environments: string[]): Promise<ReleaseHealth & { revision: string }> {
  return (await currentHealth([release], () => environments)).get(release.id)!;
}

/**
 * What the release page shows changes with the release, the project's own events, and the list of
 * other releases (where a rollback can go back to).
 */
export async function pageRevision(release: Pick<Release, "id" | "projectId">): Promise<string> {
  const [row] = await db().$queryRaw<{ revision: string }[]>`
    SELECT concat('r', (SELECT max(a.id) FROM "AuditEvent" a WHERE a."releaseId" = ${release.id}::uuid),
      ':p', (SELECT max(a.id) FROM "AuditEvent" a WHERE a."projectId" = ${release.projectId}::uuid AND a."releaseId" IS NULL),
      ':n', (SELECT concat(count(*), '@', max("createdAt")) FROM "Release" WHERE "projectId" = ${release.projectId}::uuid)) AS revision`;
  return row!.revision;
}
