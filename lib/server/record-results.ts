// CI results in: validated payload -> rows for the release, the raw payload, an audit event and,
// with an Idempotency-Key, the response to replay, all in one transaction; then the gate.
// Every report pays for each round trip to the database, so the writes share one statement and
// the gate's input is one query (load-gate-input.ts).
import { randomUUID } from "node:crypto";
import { Prisma } from "@/generated/prisma/client";
import { authorize } from "@/lib/auth/permissions";
import { db, type Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { evaluateGate, patternMatches, type GateDecision } from "@/lib/gate";
import { metrics, timeGate } from "@/lib/metrics/registry";
import type { ResultsPayload } from "@/lib/validation/results";
import { assertRunStart } from "@/lib/validation/run-start";
import { recordAudit } from "./audit";
import { resolveCommit } from "./commit";
import type { ServerContext } from "./context";
import { assertEnvironment } from "./environments";
import { claimIdempotencyKey, IdempotentReplay, replayIdempotent, storeIdempotentResponse, type Idempotency, type StoredResponse } from "./idempotency";
import { loadGateInput } from "./load-gate-input";
import { findProject, findRelease } from "./lookup";
import { rawPayloadInsert, type RawBody } from "./raw-payload";
import { asOneStatement, keptRunsStatements } from "./result-state";

export type IngestReport = {
  delivery: string;
  accepted: number;
  commit: string;
  /** False when the results are for another commit than the release's: kept, but they don't count. */
  countsForRelease: boolean;
  matched: { item: string; results: number }[];
  unmatched: string[];
  unmatchedCount: number;
  /** What the sender should fix, such as keys still starting with an absolute path (kept as sent). */
  warnings: string[];
  gate: Record<string, GateDecision>;
};

export type IngestOptions = { source?: string; idempotency?: Idempotency | null; raw?: RawBody; warnings?: string[] };

function assertUniqueKeys(payload: ResultsPayload): void {
  const seen = new Set<string>();
  payload.results.forEach((result, index) => {
    // The same test may run in several variants (browsers): unique per key and variant.
    const id = `${result.variant ?? ""}\u0000${result.key}`;
    if (seen.has(id)) {
      const where = result.variant ? ` (variant "${result.variant}")` : "";
      throw new AppError("validation_failed", `result key "${result.key}"${where} appears twice in one report`, [
        { path: `results.${index}.key`, message: "duplicate key" },
      ]);
    }
    seen.add(id);
  });
}

export async function recordResults(
  ctx: ServerContext,
  projectSlug: string,
  version: string,
  payload: ResultsPayload,
  options: IngestOptions = {},
): Promise<StoredResponse & { body: IngestReport }> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "results:write");
  const release = await findRelease(project.id, version);
  if (payload.environment) assertEnvironment(project, payload.environment);
  assertUniqueKeys(payload);

  const source = options.source ?? "json";
  const delivery = randomUUID();
  const commit = resolveCommit(payload.commit, release.commitSha);
  const startedAt = assertRunStart(payload.run?.startedAt);
  const environments = project.environments.map((e) => e.name);
  try {
    const body = await db().$transaction(
      async (tx) => {
        await claimIdempotencyKey(tx, options.idempotency ?? null);
        await insertResults(tx, { projectId: project.id, releaseId: release.id, commit, payload, startedAt, source, delivery, raw: options.raw });
        const { input } = await loadGateInput(release, environments, tx);
        const report = ingestReport(input.items, payload, environments, (e) => evaluateGate(input, e));
        const warnings = options.warnings ?? [];
        const body: IngestReport = { delivery, accepted: payload.results.length, commit, countsForRelease: commit === release.commitSha, ...report, warnings };
        await storeIdempotentResponse(tx, options.idempotency ?? null, 201, body);
        // Last: the audit chain's lock is then held only for the moment before commit.
        await recordAudit(tx, ctx, {
          projectId: project.id,
          releaseId: release.id,
          action: "results.recorded",
          targetType: "release",
          targetId: release.id,
          after: { delivery, source, count: payload.results.length, commit, environment: payload.environment ?? null, run: payload.run ?? null },
        });
        return body;
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
    metrics().ingestReports.inc({ source });
    metrics().ingestResults.inc({ source }, payload.results.length);
    return { status: 201, body, replayed: false };
  } catch (error) {
    if (error instanceof IdempotentReplay && options.idempotency) return (await replayIdempotent(options.idempotency)) as StoredResponse & { body: IngestReport };
    throw error;
  }
}

/**
 * The runs, the latest run per key (ResultState), the check tallies and the raw payload in ONE
 * statement, after one read of the kept runs those keys replace (result-state.ts): an INSERT …
 * SELECT FROM unnest(…) for the whole report (a 10,000-test report is five array parameters, not
 * thousands of bound values), the others as data-modifying CTEs, which PostgreSQL runs to
 * completion in the same statement. Timestamps are written in UTC, as Prisma writes them,
 * whatever the session's time zone.
 */
async function insertResults(
  tx: Tx,
  row: { projectId: string; releaseId: string; commit: string; payload: ResultsPayload; startedAt: Date | null; source: string; delivery: string; raw?: RawBody },
): Promise<void> {
  const { results, environment, run } = row.payload;
  const kept = await keptRunsStatements(tx, {
    releaseId: row.releaseId,
    commitSha: row.commit,
    environment: environment ?? null,
    runs: results.map((r) => ({ key: r.key, variant: r.variant ?? null, status: r.status, durationMs: r.durationMs ?? null, message: r.message ?? null, runUrl: run?.url ?? null, startedAt: row.startedAt })),
  });
  const raw = row.raw ? rawPayloadInsert(row.raw, { projectId: row.projectId, releaseId: row.releaseId, source: row.source, deliveryId: row.delivery }) : null;
  const runs = Prisma.sql`
    INSERT INTO "Result" (id, "releaseId", key, status, "durationMs", message, variant, "commitSha", environment, "runId", "runUrl", "startedAt", "reportedAt", source, "deliveryId")
    SELECT gen_random_uuid(), ${row.releaseId}::uuid, r.key, r.status::"ResultStatus", r.duration, r.message, r.variant, ${row.commit}, ${environment ?? null}, ${run?.id ?? null}, ${run?.url ?? null},
      (${row.startedAt?.toISOString() ?? null}::timestamptz AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC'), ${row.source}, ${row.delivery}
    FROM unnest(${results.map((r) => r.key)}::text[], ${results.map((r) => r.status)}::text[], ${results.map((r) => r.durationMs ?? null)}::int[], ${results.map((r) => r.message ?? null)}::text[], ${results.map((r) => r.variant ?? null)}::text[])
      AS r(key, status, duration, message, variant)`;
  await tx.$executeRaw(asOneStatement([runs, ...(raw ? [raw] : []), ...kept]));
}

type GateItems = Awaited<ReturnType<typeof loadGateInput>>["input"]["items"];

/** Which items the reported keys fed, which keys fed none, and the gates after ingestion. */
function ingestReport(items: GateItems, payload: ResultsPayload, environments: string[], gateOf: (environment: string) => GateDecision) {
  const patterns = items.flatMap((item) =>
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
    matched: [...perItem].map(([item, results]) => ({ item, results })),
    unmatched: unmatched.slice(0, 100),
    unmatchedCount: unmatched.length,
    gate: Object.fromEntries(timeGate(() => shown.map(gateOf)).map((g) => [g.environment, g])),
  };
}
