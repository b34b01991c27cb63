// Reads due PromQL queries on a schedule, one loop per app process (started from
// instrumentation.ts beside the notification worker): watch items during the watch window after a
// deploy, and the pre-deploy query items of releases in play, so gates and rollback advice move
// without anyone reading them. Several instances may each read; a round that finds a fresher one
// stored by another stores nothing (lib/server/read-prometheus.ts).
import { db } from "@/lib/db/client";
import { log } from "@/lib/log";
import { readDueQueries, watchWindowMs } from "@/lib/server/read-prometheus";

const pollMs = () => {
  const configured = Number(process.env.SHIPCHECK_PROMETHEUS_POLL_SECONDS);
  return (Number.isFinite(configured) && configured > 0 ? configured : 30) * 1000;
};

/** Releases with query items worth reading now, of projects that have a Prometheus. */
async function releasesToRead(): Promise<string[]> {
  const windowSeconds = watchWindowMs() / 1000;
  const rows = await db().$queryRaw<{ id: string }[]>`
    SELECT r.id FROM "Release" r JOIN "Project" p ON p.id = r."projectId"
    WHERE p."prometheusUrl" IS NOT NULL AND r.status NOT IN ('abandoned', 'rolled_back') AND (
      (EXISTS (SELECT 1 FROM "ReleaseItem" i WHERE i."releaseId" = r.id AND i.kind = 'watch' AND i.config->'metric' ? 'query')
        AND EXISTS (SELECT 1 FROM "Deployment" d WHERE d."releaseId" = r.id AND d."deployedAt" > (now() AT TIME ZONE 'UTC') - make_interval(secs => ${windowSeconds})))
      OR (r.status IN ('in_progress', 'ready')
        AND EXISTS (SELECT 1 FROM "ReleaseItem" i WHERE i."releaseId" = r.id AND i.kind = 'metric' AND i.config ? 'query')
        -- In play: something other than readings happened to it within the window.
        AND EXISTS (SELECT 1 FROM "AuditEvent" a WHERE a."releaseId" = r.id AND a.action <> 'metrics.queried' AND a."createdAt" > (now() AT TIME ZONE 'UTC') - make_interval(secs => ${windowSeconds}))))
    ORDER BY r."createdAt" DESC LIMIT 200`;
  return rows.map((r) => r.id);
}

export async function readScheduled(): Promise<number> {
  let stored = 0;
  for (const id of await releasesToRead()) {
    const release = await db().release.findUnique({ where: { id }, include: { project: { include: { environments: { orderBy: { position: "asc" } } } } } });
    if (!release) continue;
    const { project, ...row } = release;
    // One release that cannot be read holds up none of the others.
    stored += await readDueQueries(row, project, project.environments.map((e) => e.name), { maxAgeMs: pollMs() }).catch((error: Error) => {
      log().warn({ releaseId: id, err: error }, "prometheus: release not read");
      return 0;
    });
  }
  return stored;
}

type LoopState = { stopped: boolean; failing: boolean; timer?: NodeJS.Timeout };
const globalForLoop = globalThis as unknown as { shipcheckPrometheusLoop?: LoopState };

export function startPrometheusWorker(): void {
  if (globalForLoop.shipcheckPrometheusLoop || process.env.SHIPCHECK_PROMETHEUS_WORKER === "off") return;
  const state: LoopState = { stopped: false, failing: false };
  globalForLoop.shipcheckPrometheusLoop = state;
  const loop = async () => {
    try {
      await readScheduled();
      if (state.failing) log().info("prometheus: reading again");
      state.failing = false;
    } catch (error) {
      // One line when it starts failing (the database is away, say), not one per round.
      if (!state.failing) log().warn({ reason: (error as Error).message.trim().split("\n").at(-1) }, "prometheus: scheduled readings failing; trying again");
      state.failing = true;
    }
    if (!state.stopped) schedule();
  };
  // Unreferenced: never keeps a stopping process alive.
  const schedule = () => {
    state.timer = setTimeout(loop, pollMs());
    state.timer.unref();
  };
  schedule();
}
