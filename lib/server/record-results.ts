// CI results in: validated payload -> rows for the release, the raw payload, an audit event and,
// with an Idempotency-Key, the response to replay, all in one transaction; then the gate.
// Every report pays for each round trip to the database, so the writes share one statement, the
// gate's input is one query (load-gate-input.ts), and reports of one release that arrive together
// share one transaction (group-commit.ts, docs/decisions/021).
import { randomUUID } from "node:crypto";
import { Prisma } from "@/generated/prisma/client";
import { chainOf } from "@/lib/audit/chain";
import { authorize } from "@/lib/auth/permissions";
import { pipelinedTransaction } from "@/lib/db/pipeline";
import { AppError } from "@/lib/errors";
import { evaluateGate, patternMatches, type GateDecision, type GateInput } from "@/lib/gate";
import { metrics, timeGate } from "@/lib/metrics/registry";
import type { ResultsPayload } from "@/lib/validation/results";
import { assertRunStart } from "@/lib/validation/run-start";
import { chainAppend, chainLock, checkpointIfDue, checkpointIsDue, insertEvents, noticeOf, type AuditEntry } from "./audit";
import { chainHeadFrom, chainHeadSql, type HeadRow } from "./audit-checkpoints";
import { resolveCommit } from "./commit";
import type { ServerContext } from "./context";
import { assertEnvironment } from "./environments";
import { FailedAfterStore, GroupCommit } from "./group-commit";
import { claimIdempotencyKeys, replayIdempotent, storeIdempotentResponses, type Idempotency, type StoredResponse } from "./idempotency";
import { loadGateInput } from "./load-gate-input";
import { findProject, findProjectRelease, findRelease, givenRelease, type ProjectRelease } from "./lookup";
import { packRawPayload, rawPayloadInsert, type PackedBody, type RawBody } from "./raw-payload";
import { asOneStatement, keptRunsWrites, readKeptRuns, type Run } from "./result-state";

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
  /** The body as sent, compressed, to keep (RawPayload). */
  raw: PackedBody | null;
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
    raw: options.raw ? await packRawPayload(options.raw) : null,
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
 *
 * Pipelined (lib/db/pipeline.ts, docs/decisions/024), it is at most three round trips whatever the
 * batch: (1) BEGIN, the keys claimed, the locks and the read under them; (2) the write, a
 * checkpoint when one is due, and the gate's input, read after the write; (3) the answers to
 * replay and COMMIT, or, with none to keep and no checkpoint, COMMIT already in (2). The
 * release's lock is held for those, not for six to eight.
 */
async function storeReports(batch: PendingReport[]): Promise<Stored[]> {
  const { project, release, commit, payload } = batch[0]!;
  const at = { projectId: project.id, releaseId: release.id, commit, environment: payload.environment ?? null };
  const environments = project.environments.map((e) => e.name);
  const chain = chainOf({ releaseId: at.releaseId, projectId: at.projectId });
  const end = metrics().ingestBatchDuration.startTimer();
  const outcomes = await pipelinedTransaction(
    async (tx, commitNow) => {
      // (1) Claimed first, as every writer with an Idempotency-Key does; then the tally lock and the
      // chain's (results are the only writer that takes the tally lock, always first:
      // docs/decisions/021), and the kept runs of every key of the batch with the chain's head.
      const claiming = claimIdempotencyKeys(tx, batch.map((r) => r.options.idempotency ?? null));
      const keys = [...new Set(batch.flatMap((r) => r.payload.results.map((x) => x.key)))];
      const reading = readKeptRuns(tx, { releaseId: at.releaseId, commitSha: commit }, keys, { alsoLock: [chainLock(chain)], alsoRead: chainHeadSql(chain, batch.length) });
      const [claimed, read] = await Promise.all([claiming, reading]);
      const stored = batch.filter((_, i) => claimed[i]);
      if (stored.length === 0) return batch.map((): Stored => ({ replay: true }));

      // (2) The kept runs read cover the stored reports' keys (and perhaps a replayed one's, which change nothing).
      const kept = await keptRunsWrites(tx, { releaseId: at.releaseId, commitSha: commit, environment: at.environment, runs: keptRunsOf(stored) }, read);
      const head = chainHeadFrom(chain, read.also as HeadRow);
      // Ids were reserved for every report of the batch; a replayed one's stays unused (a gap, as a rollback leaves).
      const events = chainAppend(chain, { ...head, ids: head.ids.slice(0, stored.length) }, stored.map((r) => ({ ctx: r.ctx, entry: auditEntryOf(r, at) })));
      const wrote = tx.$executeRaw(asOneStatement([...runsInserts(at, stored), ...rawInserts(at, stored), ...kept, insertEvents(events)], noticeOf(events)));
      // results.recorded is no notification (lib/notifications/events.ts): a checkpoint is all that may follow.
      const signed = checkpointIfDue(tx, events);
      const loaded = loadGateInput(release, environments, tx);
      // With no answer to keep for a replay and no checkpoint to sign, nothing written depends on
      // the gate: COMMIT goes out behind its read, and the release's lock is let go a round trip sooner.
      const replayable = stored.filter((r) => r.options.idempotency);
      const early = replayable.length === 0 && !checkpointIsDue(events) ? commitNow() : null;
      const [, , { input }] = await Promise.all([wrote, signed, loaded, early]);
      let bodies: Map<PendingReport, IngestReport>;
      try {
        bodies = answersOf(stored, release, commit, input, payload.environment ? [payload.environment] : environments);
      } catch (error) {
        // Stored already: the reports must not be stored again one by one.
        throw early ? new FailedAfterStore(error) : error;
      }
      // (3) The answers to replay, then COMMIT, together.
      if (!early) {
        const answers = storeIdempotentResponses(tx, replayable.map((r) => ({ idempotency: r.options.idempotency!, status: 201, body: bodies.get(r) })));
        await Promise.all([answers, commitNow()]);
      }
      return batch.map((r, i): Stored => (claimed[i] ? { replay: false, body: bodies.get(r)! } : { replay: true }));
    },
    { maxWaitMs: 10_000, statementTimeoutMs: 60_000 },
  );
  end();
  metrics().ingestBatchReports.observe(batch.length);
  return outcomes;
}

/** Each stored report's answer: what it fed, and the gate after the whole batch. */
function answersOf(stored: PendingReport[], release: PendingReport["release"], commit: string, input: GateInput, shown: string[]): Map<PendingReport, IngestReport> {
  const gate = Object.fromEntries(timeGate(() => shown.map((e) => evaluateGate(input, e))).map((g) => [g.environment, g]));
  const patterns = checkPatternsOf(input.items);
  return new Map(
    stored.map((r) => [
      r,
      {
        delivery: r.delivery,
        accepted: r.payload.results.length,
        commit,
        countsForRelease: commit === release.commitSha,
        ...matchedKeys(patterns, r.payload),
        warnings: r.options.warnings ?? [],
        gate,
      },
    ]),
  );
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

type At = { projectId: string; releaseId: string; commit: string; environment: string | null };

/**
 * The runs of each report, as CTE bodies of the batch's one write (with the latest run per key,
 * the check tallies, each raw payload and the events: result-state.ts): an INSERT … SELECT FROM
 * unnest(…) per report (a 10,000-test report is five array parameters, not thousands of bound
 * values; what all its rows share is one parameter). Timestamps are written in UTC, as Prisma
 * writes them, whatever the session's time zone.
 */
function runsInserts(at: At, batch: PendingReport[]): Prisma.Sql[] {
  return batch.map((r) => {
    const { results, run } = r.payload;
    return Prisma.sql`
      INSERT INTO "Result" (id, "releaseId", key, status, "durationMs", message, variant, "commitSha", environment, "runId", "runUrl", "startedAt", "reportedAt", source, "deliveryId")
      SELECT gen_random_uuid(), ${at.releaseId}::uuid, r.key, r.status::"ResultStatus", r.duration, r.message, r.variant, ${at.commit}, ${at.environment}, ${run?.id ?? null}, ${run?.url ?? null},
        (${r.startedAt?.toISOString() ?? null}::timestamptz AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC'), ${r.source}, ${r.delivery}
      FROM unnest(${results.map((x) => x.key)}::text[], ${results.map((x) => x.status)}::text[], ${results.map((x) => x.durationMs ?? null)}::int[], ${results.map((x) => x.message ?? null)}::text[],
        ${results.map((x) => x.variant ?? null)}::text[]) AS r(key, status, duration, message, variant)`;
  });
}

function rawInserts(at: At, batch: PendingReport[]): Prisma.Sql[] {
  return batch.flatMap((r) => (r.raw ? [rawPayloadInsert(r.raw, { projectId: at.projectId, releaseId: at.releaseId, source: r.source, deliveryId: r.delivery })] : []));
}

/** A report's audit entry: what was delivered, from where, for which commit, environment and run. */
function auditEntryOf(r: PendingReport, at: At): AuditEntry {
  return {
    projectId: at.projectId,
    releaseId: at.releaseId,
    action: "results.recorded",
    targetType: "release",
    targetId: at.releaseId,
    after: { delivery: r.delivery, source: r.source, count: r.payload.results.length, commit: at.commit, environment: r.payload.environment ?? null, run: r.payload.run ?? null },
  };
}

type GateItems = GateInput["items"];
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
