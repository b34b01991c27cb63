// CI results in: validated payload -> rows for the release, the raw payload, an audit event and,
// with an Idempotency-Key, the response to replay, all in one transaction; then the gate.
// Every report pays for each round trip to the database, so the writes share one statement, the
// gate's input is one query (load-gate-input.ts), and reports of one release that arrive together
// share one transaction (group-commit.ts, docs/decisions/021).
import { randomUUID } from "node:crypto";
import { Prisma } from "@/generated/prisma/client";
import { chainOf } from "@/lib/audit/chain";
import { authorize } from "@/lib/auth/permissions";
import { db, type Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { evaluateGate, patternMatches, type GateDecision } from "@/lib/gate";
import { metrics, timeGate } from "@/lib/metrics/registry";
import type { ResultsPayload } from "@/lib/validation/results";
import { assertRunStart } from "@/lib/validation/run-start";
import { afterChainAppend, chainAppend, chainLock, insertEvents, noticeOf, type AuditEntry } from "./audit";
import { chainHeadFrom, chainHeadSql, type HeadRow } from "./audit-checkpoints";
import { resolveCommit } from "./commit";
import type { ServerContext } from "./context";
import { assertEnvironment } from "./environments";
import { GroupCommit } from "./group-commit";
import { claimIdempotencyKeys, replayIdempotent, storeIdempotentResponses, type Idempotency, type StoredResponse } from "./idempotency";
import { loadGateInput } from "./load-gate-input";
import { findProject, findProjectRelease, findRelease, givenRelease, type ProjectRelease } from "./lookup";
import { rawPayloadInsert, type RawBody } from "./raw-payload";
import { asOneStatement, keptRunsStatements, type Run } from "./result-state";

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

export type IngestOptions = {
  source?: string;
  idempotency?: Idempotency | null;
  raw?: RawBody;
  warnings?: string[];
  /** The project and release, when the caller already read them (with the token: authenticateCounted). */
  found?: ProjectRelease | null;
};

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

/** A report checked and ready to store: everything the batch needs, found before it waits. */
type PendingReport = {
  ctx: ServerContext;
  project: Awaited<ReturnType<typeof findProject>>;
  release: Awaited<ReturnType<typeof findRelease>>;
  payload: ResultsPayload;
  options: IngestOptions;
  source: string;
  delivery: string;
  commit: string;
  startedAt: Date | null;
};

type Stored = { replay: false; body: IngestReport } | { replay: true };

// Reports of one release that arrive together are stored together (group-commit.ts): those for the
// same commit and environment, up to 50 reports or 5,000 results; a larger report goes alone.
const reports = new GroupCommit<PendingReport, Stored>(storeReports, {
  maxItems: 50,
  maxWeight: 5_000,
  fits: (first, other) => other.commit === first.commit && (other.payload.environment ?? null) === (first.payload.environment ?? null),
});

export async function recordResults(
  ctx: ServerContext,
  projectSlug: string,
  version: string,
  payload: ResultsPayload,
  options: IngestOptions = {},
): Promise<StoredResponse & { body: IngestReport }> {
  // One round trip when both exist; otherwise the lookups that say which is missing, in the order
  // that keeps a release's existence from anyone who may not write to its project.
  const found = givenRelease(options.found, projectSlug, version) ?? (await findProjectRelease(projectSlug, version));
  const project = found?.project ?? (await findProject(projectSlug));
  authorize(ctx.principal, project, "results:write");
  const release = found?.release ?? (await findRelease(project.id, version));
  if (payload.environment) assertEnvironment(project, payload.environment);
  assertUniqueKeys(payload);

  const source = options.source ?? "json";
  const pending: PendingReport = {
    ctx,
    project,
    release,
    payload,
    options,
    source,
    delivery: randomUUID(),
    commit: resolveCommit(payload.commit, release.commitSha),
    startedAt: assertRunStart(payload.run?.startedAt),
  };
  const stored = await reports.add(release.id, pending, Math.max(1, payload.results.length));
  if (stored.replay) return (await replayIdempotent(options.idempotency!)) as StoredResponse & { body: IngestReport };
  metrics().ingestReports.inc({ source });
  metrics().ingestResults.inc({ source }, payload.results.length);
  return { status: 201, body: stored.body, replayed: false };
}

/**
 * One transaction for a batch of one release's reports (same commit and environment): the keys
 * they carry claimed, their runs and bookkeeping in one read and one statement, the gate evaluated
 * once, and one audit event per report chained in one insert. All or nothing.
 */
async function storeReports(batch: PendingReport[]): Promise<Stored[]> {
  const { project, release, commit, payload } = batch[0]!;
  const environments = project.environments.map((e) => e.name);
  const end = metrics().ingestBatchDuration.startTimer();
  const outcomes = await db().$transaction(
    async (tx) => {
      const claimed = await claimIdempotencyKeys(tx, batch.map((r) => r.options.idempotency ?? null));
      const stored = batch.filter((_, i) => claimed[i]);
      if (stored.length === 0) return batch.map((): Stored => ({ replay: true }));
      await insertResults(tx, { projectId: project.id, releaseId: release.id, commit, environment: payload.environment ?? null }, stored);
      const { input } = await loadGateInput(release, environments, tx);
      const shown = payload.environment ? [payload.environment] : environments;
      const gate = Object.fromEntries(timeGate(() => shown.map((e) => evaluateGate(input, e))).map((g) => [g.environment, g]));
      const patterns = checkPatternsOf(input.items);
      const bodies = new Map<PendingReport, IngestReport>();
      for (const r of stored) {
        bodies.set(r, {
          delivery: r.delivery,
          accepted: r.payload.results.length,
          commit,
          countsForRelease: commit === release.commitSha,
          ...matchedKeys(patterns, r.payload),
          warnings: r.options.warnings ?? [],
          gate,
        });
      }
      await storeIdempotentResponses(tx, stored.flatMap((r) => (r.options.idempotency ? [{ idempotency: r.options.idempotency, status: 201, body: bodies.get(r) }] : [])));
      return batch.map((r, i): Stored => (claimed[i] ? { replay: false, body: bodies.get(r)! } : { replay: true }));
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
  end();
  metrics().ingestBatchReports.observe(batch.length);
  return outcomes;
}

/** Every run of a batch's reports, as the kept-run bookkeeping sees them. */
function keptRunsOf(batch: PendingReport[]): Run[] {
  return batch.flatMap((report) =>
    report.payload.results.map((r) => ({
      key: r.key,
      variant: r.variant ?? null,
      status: r.status,
      durationMs: r.durationMs ?? null,
      message: r.message ?? null,
      runUrl: report.payload.run?.url ?? null,
      startedAt: report.startedAt,
    })),
  );
}

/**
 * The runs of a batch's reports, the latest run per key (ResultState), the check tallies and each
 * raw payload in ONE statement, after one read of the kept runs those keys replace
 * (result-state.ts): an INSERT … SELECT FROM unnest(…) per report (a 10,000-test report is five
 * array parameters, not thousands of bound values), the others as data-modifying CTEs, which
 * PostgreSQL runs to completion in the same statement. Timestamps are written in UTC, as Prisma
 * writes them, whatever the session's time zone.
 */
async function insertResults(tx: Tx, at: { projectId: string; releaseId: string; commit: string; environment: string | null }, batch: PendingReport[]): Promise<void> {
  // The chain's lock with the tally lock, in one statement, and its head read with the kept runs:
  // results are the only writer that takes the tally lock, always first (docs/decisions/021).
  const chain = chainOf({ releaseId: at.releaseId, projectId: at.projectId });
  const { statements: kept, also: head } = await keptRunsStatements(
    tx,
    { releaseId: at.releaseId, commitSha: at.commit, environment: at.environment, runs: keptRunsOf(batch) },
    { alsoLock: [chainLock(chain)], alsoRead: chainHeadSql(chain, batch.length) },
  );
  // One audit event per report, in the same statement as the rows they describe.
  const events = chainAppend(chain, chainHeadFrom(chain, head as HeadRow), batch.map((r) => ({ ctx: r.ctx, entry: auditEntryOf(r, at) })));
  const raws = batch.flatMap((r) => (r.options.raw ? [rawPayloadInsert(r.options.raw, { projectId: at.projectId, releaseId: at.releaseId, source: r.source, deliveryId: r.delivery })] : []));
  // One INSERT per report: what all its rows share is one parameter, not one per row.
  const runs = batch.map((r) => {
    const { results, run } = r.payload;
    return Prisma.sql`
      INSERT INTO "Result" (id, "releaseId", key, status, "durationMs", message, variant, "commitSha", environment, "runId", "runUrl", "startedAt", "reportedAt", source, "deliveryId")
      SELECT gen_random_uuid(), ${at.releaseId}::uuid, r.key, r.status::"ResultStatus", r.duration, r.message, r.variant, ${at.commit}, ${at.environment}, ${run?.id ?? null}, ${run?.url ?? null},
        (${r.startedAt?.toISOString() ?? null}::timestamptz AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC'), ${r.source}, ${r.delivery}
      FROM unnest(${results.map((x) => x.key)}::text[], ${results.map((x) => x.status)}::text[], ${results.map((x) => x.durationMs ?? null)}::int[], ${results.map((x) => x.message ?? null)}::text[],
        ${results.map((x) => x.variant ?? null)}::text[]) AS r(key, status, duration, message, variant)`;
  });
  await tx.$executeRaw(asOneStatement([...runs, ...raws, ...kept, insertEvents(events)], noticeOf(events)));
  await afterChainAppend(tx, events);
}

/** A report's audit entry: what was delivered, from where, for which commit, environment and run. */
function auditEntryOf(r: PendingReport, at: { projectId: string; releaseId: string; commit: string }): AuditEntry {
  return {
    projectId: at.projectId,
    releaseId: at.releaseId,
    action: "results.recorded",
    targetType: "release",
    targetId: at.releaseId,
    after: { delivery: r.delivery, source: r.source, count: r.payload.results.length, commit: at.commit, environment: r.payload.environment ?? null, run: r.payload.run ?? null },
  };
}

type GateItems = Awaited<ReturnType<typeof loadGateInput>>["input"]["items"];
type ItemPattern = { item: string; pattern: string };

/** Every pattern that feeds an item: a check's, and a watch item's check. */
function checkPatternsOf(items: GateItems): ItemPattern[] {
  return items.flatMap((item) =>
    item.kind === "check" ? item.patterns.map((p) => ({ item: item.key, pattern: p })) : item.kind === "watch" && item.check ? [{ item: item.key, pattern: item.check }] : [],
  );
}

/** Which items the reported keys fed, and which keys fed none. */
function matchedKeys(patterns: ItemPattern[], payload: ResultsPayload) {
  const perItem = new Map<string, number>();
  const unmatched: string[] = [];
  for (const result of payload.results) {
    const hits = new Set(patterns.filter((p) => patternMatches(p.pattern, result.key)).map((p) => p.item));
    if (hits.size === 0) unmatched.push(result.key);
    for (const item of hits) perItem.set(item, (perItem.get(item) ?? 0) + 1);
  }
  return { matched: [...perItem].map(([item, results]) => ({ item, results })), unmatched: unmatched.slice(0, 100), unmatchedCount: unmatched.length };
}
