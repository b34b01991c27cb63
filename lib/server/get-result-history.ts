// One test's history: every run of it in this release, and its latest outcome in earlier releases.
import { authorize } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { ServerContext } from "./context";
import { findProject, findRelease } from "./lookup";

const RUNS_SHOWN = 50;
const EARLIER_RELEASES = 20;

export async function getResultHistory(ctx: ServerContext, projectSlug: string, version: string, key: string) {
  if (!key || key.length > 1000 || key.includes("\u0000")) throw new AppError("bad_request", "add ?key=<result key> (at most 1000 characters)");
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "release:read");
  const release = await findRelease(project.id, version);
  const runs = await db().result.findMany({
    where: { releaseId: release.id, key },
    orderBy: [{ startedAt: { sort: "desc", nulls: "last" } }, { reportedAt: "desc" }],
    take: RUNS_SHOWN,
  });
  // Latest outcome per earlier release: DISTINCT ON keeps this one query whatever the history size.
  const earlier = await db().$queryRaw<{ version: string; status: string; at: Date; runUrl: string | null }[]>`
    SELECT DISTINCT ON (rel.id) rel.version, r.status::text AS status, COALESCE(r."startedAt", r."reportedAt") AS at, r."runUrl"
    FROM "Result" r JOIN "Release" rel ON rel.id = r."releaseId"
    WHERE rel."projectId" = ${project.id}::uuid AND rel."createdAt" < ${release.createdAt} AND r.key = ${key}
    ORDER BY rel.id, COALESCE(r."startedAt", r."reportedAt") DESC
    LIMIT ${EARLIER_RELEASES}`;
  earlier.sort((a, b) => b.at.getTime() - a.at.getTime());
  return {
    key,
    release: release.version,
    runs: runs.map((r) => ({
      status: r.status,
      message: r.message,
      durationMs: r.durationMs,
      environment: r.environment,
      commit: r.commitSha,
      countsForRelease: r.commitSha === release.commitSha,
      runId: r.runId,
      runUrl: r.runUrl,
      source: r.source,
      at: (r.startedAt ?? r.reportedAt).toISOString(),
    })),
    earlierReleases: earlier.map((e) => ({ version: e.version, status: e.status, runUrl: e.runUrl, at: e.at.toISOString() })),
  };
}
