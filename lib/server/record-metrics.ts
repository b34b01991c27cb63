// Named numeric values from CI (throughput, latency...). Thresholds are Shipcheck's to judge.
import { randomUUID } from "node:crypto";
import { authorize } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { evaluateGate, type GateDecision } from "@/lib/gate";
import type { MetricsPayload } from "@/lib/validation/results";
import { recordAudit } from "./audit";
import { resolveCommit } from "./commit";
import type { ServerContext } from "./context";
import { assertEnvironment } from "./environments";
import { claimIdempotencyKey, IdempotentReplay, replayIdempotent, storeIdempotentResponse, type StoredResponse } from "./idempotency";
import { loadGateInput } from "./load-gate-input";
import { findProject, findRelease, givenRelease } from "./lookup";
import { keepRawPayload } from "./raw-payload";
import type { IngestOptions } from "./record-results";

export type MetricsReport = {
  delivery: string;
  accepted: number;
  commit: string;
  countsForRelease: boolean;
  unmatched: string[];
  gate: Record<string, GateDecision>;
};

export async function recordMetrics(
  ctx: ServerContext,
  projectSlug: string,
  version: string,
  payload: MetricsPayload,
  options: IngestOptions = {},
): Promise<StoredResponse & { body: MetricsReport }> {
  // Read with the token when it is that project's (authenticateCounted); else looked up here, in the
  // order that keeps a release's existence from anyone who may not write to its project.
  const given = givenRelease(options.found, projectSlug, version);
  const project = given?.project ?? (await findProject(projectSlug));
  authorize(ctx.principal, project, "results:write");
  const release = given?.release ?? (await findRelease(project.id, version));
  if (payload.environment) assertEnvironment(project, payload.environment);
  const names = payload.metrics.map((m) => m.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new AppError("validation_failed", `metric "${duplicate}" appears twice in one request`);

  const delivery = randomUUID();
  const commit = resolveCommit(payload.commit, release.commitSha);
  const environments = project.environments.map((e) => e.name);
  try {
    const body = await db().$transaction(async (tx) => {
      await claimIdempotencyKey(tx, options.idempotency ?? null);
      await tx.metric.createMany({
        data: payload.metrics.map((m) => ({
          releaseId: release.id,
          name: m.name,
          value: m.value,
          unit: m.unit ?? null,
          commitSha: commit,
          environment: payload.environment ?? null,
          deliveryId: delivery,
        })),
      });
      if (options.raw) await keepRawPayload(tx, options.raw, { projectId: project.id, releaseId: release.id, source: "metrics", deliveryId: delivery });
      const { input } = await loadGateInput(release, environments, tx);
      const used = new Set(input.items.flatMap((i) => (i.kind === "metric" ? [i.metric] : i.kind === "watch" && i.metric ? [i.metric.name] : [])));
      const shown = payload.environment ? [payload.environment] : environments;
      const body: MetricsReport = {
        delivery,
        accepted: payload.metrics.length,
        commit,
        countsForRelease: commit === release.commitSha,
        unmatched: names.filter((n) => !used.has(n)),
        gate: Object.fromEntries(shown.map((e) => [e, evaluateGate(input, e)])),
      };
      await storeIdempotentResponse(tx, options.idempotency ?? null, 201, body);
      // Last: the audit chain's lock is then held only for the moment before commit.
      await recordAudit(tx, ctx, {
        projectId: project.id,
        releaseId: release.id,
        action: "metrics.recorded",
        targetType: "release",
        targetId: release.id,
        after: { delivery, commit, environment: payload.environment ?? null, metrics: payload.metrics },
      });
      return body;
    });
    return { status: 201, body, replayed: false };
  } catch (error) {
    if (error instanceof IdempotentReplay && options.idempotency) return (await replayIdempotent(options.idempotency)) as StoredResponse & { body: MetricsReport };
    throw error;
  }
}
