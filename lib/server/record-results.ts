// CI results in: validated payload -> rows for the release, audit event, and the gate afterwards.
import { randomUUID } from "node:crypto";
import { authorize } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { evaluateGate, patternMatches, type GateDecision } from "@/lib/gate";
import type { ResultsPayload } from "@/lib/validation/results";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";
import { resolveCommit } from "./commit";
import { assertEnvironment } from "./environments";
import { loadGateInput } from "./load-gate-input";
import { findProject, findRelease } from "./lookup";

export type IngestReport = {
  delivery: string;
  accepted: number;
  commit: string;
  /** False when the results are for another commit than the release's: kept, but they don't count. */
  countsForRelease: boolean;
  matched: { item: string; results: number }[];
  unmatched: string[];
  unmatchedCount: number;
  gate: Record<string, GateDecision>;
};

export async function recordResults(
  ctx: ServerContext,
  projectSlug: string,
  version: string,
  payload: ResultsPayload,
  source = "json",
): Promise<IngestReport> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "results:write");
  const release = await findRelease(project.id, version);
  if (payload.environment) assertEnvironment(project, payload.environment);

  const seen = new Set<string>();
  payload.results.forEach((result, index) => {
    if (seen.has(result.key)) {
      throw new AppError("validation_failed", `result key "${result.key}" appears twice in one report`, [
        { path: `results.${index}.key`, message: "duplicate key" },
      ]);
    }
    seen.add(result.key);
  });

  const delivery = randomUUID();
  const commit = resolveCommit(payload.commit, release.commitSha);
  const startedAt = payload.run?.startedAt ? new Date(payload.run.startedAt) : null;
  await db().$transaction(async (tx) => {
    await tx.result.createMany({
      data: payload.results.map((r) => ({
        releaseId: release.id,
        key: r.key,
        status: r.status,
        durationMs: r.durationMs ?? null,
        message: r.message ?? null,
        commitSha: commit,
        environment: payload.environment ?? null,
        runId: payload.run?.id ?? null,
        runUrl: payload.run?.url ?? null,
        startedAt,
        source,
        deliveryId: delivery,
      })),
    });
    await recordAudit(tx, ctx, {
      projectId: project.id,
      releaseId: release.id,
      action: "results.recorded",
      targetType: "release",
      targetId: release.id,
      after: { delivery, source, count: payload.results.length, commit, environment: payload.environment ?? null, run: payload.run ?? null },
    });
  });

  const environments = project.environments.map((e) => e.name);
  const { input } = await loadGateInput(release, environments);
  const patterns = input.items.flatMap((item) =>
    item.kind === "check" ? item.patterns.map((p) => ({ item: item.key, pattern: p })) : item.kind === "watch" && item.check ? [{ item: item.key, pattern: item.check }] : [],
  );
  const perItem = new Map<string, number>();
  const unmatched: string[] = [];
  for (const result of payload.results) {
    const hits = new Set(patterns.filter((p) => patternMatches(p.pattern, result.key)).map((p) => p.item));
    if (hits.size === 0) unmatched.push(result.key);
    for (const item of hits) perItem.set(item, (perItem.get(item) ?? 0) + 1);
  }
  const shown = payload.environment ? [payload.environment] : environments;
  return {
    delivery,
    accepted: payload.results.length,
    commit,
    countsForRelease: commit === release.commitSha,
    matched: [...perItem].map(([item, results]) => ({ item, results })),
    unmatched: unmatched.slice(0, 100),
    unmatchedCount: unmatched.length,
    gate: Object.fromEntries(shown.map((e) => [e, evaluateGate(input, e)])),
  };
}
