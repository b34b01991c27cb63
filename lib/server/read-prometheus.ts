// Runs the PromQL queries of a release's items that are due (lib/prometheus/due.ts) against the
// project's Prometheus and stores each answer as a reading: a Metric row (source "prometheus",
// the query, when it ran, the release's commit, the environment), with the value or, when there
// is none, why. One transaction and one audit event per round, like metrics CI posts, so the pure
// gate only ever sees stored values. Never throws for Prometheus's sake: a failed query is a
// reading without a value.
import { randomUUID } from "node:crypto";
import type { Project, Release } from "@/generated/prisma/client";
import { db } from "@/lib/db/client";
import { log } from "@/lib/log";
import { runQuery } from "@/lib/prometheus/client";
import type { Reading } from "@/lib/prometheus/answer";
import { dueQueries, hasQuery, type DueQuery, type LastReading } from "@/lib/prometheus/due";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";
import { toGateItem } from "./snapshot";

const seconds = (name: string, fallback: number) => {
  const configured = Number(process.env[name]);
  return (Number.isFinite(configured) && configured > 0 ? configured : fallback) * 1000;
};

/** A reading younger than this is fresh enough for a gate read. */
export const readingMaxAgeMs = () => seconds("SHIPCHECK_PROMETHEUS_MAX_AGE_SECONDS", 60);
/** How long after a deploy watch items' queries keep being read. */
export const watchWindowMs = () => seconds("SHIPCHECK_PROMETHEUS_WATCH_MINUTES", 120) * 60;

export const NO_SOURCE = "no Prometheus is set for this project (Settings → Prometheus)";

/** The actor of readings: Shipcheck itself, on behalf of whoever's read (or the worker) found them due. */
const reader = (ctx?: ServerContext): ServerContext => ({ principal: { kind: "system", label: "prometheus" }, requestId: ctx?.requestId });

// One round per release at a time in this process: concurrent gate reads wait for the same answers.
const inFlight = new Map<string, Promise<number>>();

/** Reads what is due for this release now; returns how many readings were stored. */
export function readDueQueries(release: Release, project: Pick<Project, "id" | "prometheusUrl" | "prometheusBearerToken">, environments: string[], options: { maxAgeMs?: number; ctx?: ServerContext } = {}): Promise<number> {
  const running = inFlight.get(release.id);
  if (running) return running;
  const round = readRound(release, project, environments, options.maxAgeMs ?? readingMaxAgeMs(), options.ctx).finally(() => inFlight.delete(release.id));
  inFlight.set(release.id, round);
  return round;
}

async function lastReadings(releaseId: string, commitSha: string): Promise<LastReading[]> {
  const rows = await db().metric.groupBy({ by: ["name", "environment"], where: { releaseId, commitSha, source: "prometheus" }, _max: { reportedAt: true } });
  return rows.flatMap((r) => (r._max.reportedAt ? [{ metric: r.name, environment: r.environment, ranAt: r._max.reportedAt }] : []));
}

async function readRound(release: Release, project: Pick<Project, "id" | "prometheusUrl" | "prometheusBearerToken">, environments: string[], maxAgeMs: number, ctx?: ServerContext): Promise<number> {
  const rows = await db().releaseItem.findMany({ where: { releaseId: release.id, kind: { in: ["metric", "watch"] } }, orderBy: { position: "asc" } });
  const items = rows.map(toGateItem).filter(hasQuery);
  if (items.length === 0) return 0;
  const deployments = await db().deployment.findMany({ where: { releaseId: release.id }, select: { environment: true, commitSha: true, deployedAt: true } });
  const startedAt = new Date();
  const due = dueQueries(items, environments, release.commitSha, deployments, await lastReadings(release.id, release.commitSha), { now: startedAt, maxAgeMs, watchWindowMs: watchWindowMs() });
  if (due.length === 0) return 0;

  const source = project.prometheusUrl ? { url: project.prometheusUrl, bearerToken: project.prometheusBearerToken } : null;
  const readings: (DueQuery & Reading)[] = await Promise.all(
    due.map(async (d) => ({ ...d, ...(source ? await runQuery(source, d.query) : { value: null, error: NO_SOURCE }) })),
  );

  const delivery = randomUUID();
  return db().$transaction(async (tx) => {
    // Instances that read at the same moment store one round: the later one finds the fresher rows.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`prometheus:${release.id}`}))`;
    if ((await tx.metric.count({ where: { releaseId: release.id, source: "prometheus", reportedAt: { gte: startedAt } } })) > 0) return 0;
    const ranAt = new Date();
    await tx.metric.createMany({
      data: readings.map((r) => ({
        releaseId: release.id,
        name: r.metric,
        value: r.value,
        error: r.error,
        query: r.query,
        source: "prometheus",
        commitSha: release.commitSha,
        environment: r.environment,
        reportedAt: ranAt,
        deliveryId: delivery,
      })),
    });
    await recordAudit(tx, reader(ctx), {
      projectId: project.id,
      releaseId: release.id,
      action: "metrics.queried",
      targetType: "release",
      targetId: release.id,
      after: { delivery, commit: release.commitSha, readings: readings.map((r) => ({ metric: r.metric, environment: r.environment, query: r.query, value: r.value, error: r.error })) },
    });
    return readings.length;
  });
}

/** Before a gate read: fresh readings first; a failure to store them leaves the read as it was. */
export async function readBeforeGate(release: Release, project: Pick<Project, "id" | "prometheusUrl" | "prometheusBearerToken">, environments: string[], ctx?: ServerContext): Promise<void> {
  try {
    await readDueQueries(release, project, environments, { ctx });
  } catch (error) {
    log().warn({ releaseId: release.id, err: error }, "prometheus: readings not stored");
  }
}
