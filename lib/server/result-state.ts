// ResultState and CheckTally: the latest run per key, commit, environment and variant, and what
// each check needs of them in numbers, kept in the transaction that stores the runs, so the gate
// reads O(items + failing tests) however many runs and tests there were (docs/decisions/006, 019).
// Every writer of Result calls this. The arithmetic is lib/gate/tally.ts's; this reads what it
// needs and writes what it decides.
import { Prisma } from "@/generated/prisma/client";
import { isPipelined, type SqlClient } from "@/lib/db/pipeline";
import type { GateItem, ResultStatus } from "@/lib/gate";
import { checkPatterns, placesOf, tallyChanges, tallyRuns, type CheckTally, type KeptRun } from "@/lib/gate/tally";
import { toGateItem } from "./snapshot";

export type Run = { key: string; variant: string | null; status: ResultStatus; durationMs: number | null; message: string | null; runUrl: string | null; startedAt: Date | null };

export type RunBatch = { releaseId: string; commitSha: string; environment: string | null; runs: Run[] };

type ItemRow = Parameters<typeof toGateItem>[0];
/** environment, variant, key, status, at, reportedAt (ms), runUrl */
type KeptRow = [string, string, string, ResultStatus, number, number, string | null];
type Read = { tallied: boolean; now: number; environments: string[]; items: ItemRow[]; kept: KeptRow[]; also: unknown };

const keptOf = (commitSha: string, [environment, variant, key, status, at, reportedAt, runUrl]: KeptRow): KeptRun => ({ commitSha, environment, variant, key, status, at, reportedAt, runUrl });

// Epoch milliseconds of a TIMESTAMP(3) column, which holds UTC without a zone.
const MS = (column: Prisma.Sql) => Prisma.sql`(extract(epoch FROM ${column}) * 1000)::float8`;

const tallyLock = (releaseId: string) => Prisma.sql`pg_advisory_xact_lock(hashtextextended(${`tally:${releaseId}`}, 0))`;

/**
 * Everything a batch's bookkeeping needs, after taking the release's tally lock: the runs kept for
 * its keys in every environment are read and replaced in one go, so two reports must not interleave
 * (a run for no environment changes what every environment sees). `now` is the arrival time the
 * statement will write, to the millisecond the columns keep.
 */
async function readForBatch(tx: SqlClient, batch: Pick<RunBatch, "releaseId" | "commitSha">, keys: string[], locks: Prisma.Sql[], also: Prisma.Sql): Promise<Read> {
  // Pipelined, the read goes out with the lock and runs once it is held; otherwise it waits for it.
  const locked = await sentOrDone(tx, tx.$executeRaw`SELECT ${Prisma.join([tallyLock(batch.releaseId), ...locks])}`);
  // A new statement after the lock: it sees what the previous holder committed.
  const read = tx.$queryRaw<[{ read: Read }]>`
    SELECT json_build_object(
      'tallied', (SELECT tallied FROM "Release" WHERE id = ${batch.releaseId}::uuid),
      'now', ${MS(Prisma.sql`(now() AT TIME ZONE 'UTC')::timestamp(3)`)},
      'environments', (SELECT coalesce(json_agg(e.name ORDER BY e.position), '[]') FROM "Environment" e JOIN "Release" r ON r."projectId" = e."projectId" WHERE r.id = ${batch.releaseId}::uuid),
      'items', (SELECT coalesce(json_agg(json_build_object(
          'id', i.id, 'releaseId', i."releaseId", 'key', i.key, 'section', i.section, 'phase', i.phase, 'position', i.position, 'kind', i.kind,
          'title', i.title, 'instructions', i.instructions, 'required', i.required, 'environments', to_json(i.environments), 'config', i.config, 'version', i.version
        ) ORDER BY i.position), '[]') FROM "ReleaseItem" i WHERE i."releaseId" = ${batch.releaseId}::uuid AND i.kind = 'check'),
      'kept', (SELECT coalesce(json_agg(json_build_array(s.environment, s.variant, s.key, s.status, ${MS(Prisma.sql`COALESCE(s."startedAt", s."reportedAt")`)}, ${MS(Prisma.sql`s."reportedAt"`)}, s."runUrl")), '[]')
        -- Key by key: a LATERAL with OFFSET 0 is not flattened into a join, so each key is one index
        -- lookup whatever the planner guesses from fresh statistics (a join filtered every kept run per key).
        FROM unnest(${keys}::text[]) AS k(key),
          LATERAL (SELECT * FROM "ResultState" WHERE "releaseId" = ${batch.releaseId}::uuid AND "commitSha" = ${batch.commitSha} AND key = k.key OFFSET 0) AS s),
      'also', ${also}
    ) AS read`;
  const [, [row]] = await Promise.all([locked.answered, read]);
  return row.read;
}

/**
 * A statement whose answer the next one need not wait for: on a pipelined transaction, still on
 * its way (await it with the next); otherwise answered before this returns.
 */
async function sentOrDone(tx: SqlClient, statement: Promise<unknown>): Promise<{ answered: Promise<unknown> }> {
  if (isPipelined(tx)) return { answered: statement };
  await statement;
  return { answered: Promise.resolve() };
}

/**
 * A release from before tallies: count its kept runs once, from scratch (the only time a report
 * reads them all), and keep its tallies from then on.
 */
async function startTallies(tx: SqlClient, releaseId: string, items: GateItem[], environments: string[]): Promise<void> {
  const rows = await tx.$queryRaw<{ kept: [string, ...KeptRow][] }[]>`
    SELECT coalesce(json_agg(json_build_array(s."commitSha", s.environment, s.variant, s.key, s.status, ${MS(Prisma.sql`COALESCE(s."startedAt", s."reportedAt")`)}, ${MS(Prisma.sql`s."reportedAt"`)}, s."runUrl")), '[]') AS kept
    FROM "ResultState" s WHERE s."releaseId" = ${releaseId}::uuid`;
  const kept = (rows[0]?.kept ?? []).map(([commitSha, ...row]) => keptOf(commitSha, row));
  const tallies = tallyRuns(items, environments, kept);
  await tx.$executeRaw`DELETE FROM "CheckTally" WHERE "releaseId" = ${releaseId}::uuid`;
  await tx.$executeRaw`DELETE FROM "FailingRun" WHERE "releaseId" = ${releaseId}::uuid`;
  await tx.$executeRaw`
    INSERT INTO "FailingRun" ("releaseId", "commitSha", key, environment, variant)
    SELECT "releaseId", "commitSha", key, environment, variant FROM "ResultState" WHERE "releaseId" = ${releaseId}::uuid AND status IN ('failed', 'flaky')`;
  if (tallies.length) await tx.$executeRaw(Prisma.sql`WITH t AS (${tallyUpsert(releaseId, tallies)}) SELECT 1`);
  await tx.$executeRaw`UPDATE "Release" SET tallied = true WHERE id = ${releaseId}::uuid`;
}

/** Adds changes to the tallies (a new tally starts from zero), in a fixed order. */
function tallyUpsert(releaseId: string, changes: CheckTally[]): Prisma.Sql {
  const sorted = [...changes].sort((a, b) => (a.commitSha + a.item + a.place < b.commitSha + b.item + b.place ? -1 : 1));
  const col = <T,>(f: (c: CheckTally) => T) => sorted.map(f);
  return Prisma.sql`
    INSERT INTO "CheckTally" ("releaseId", "commitSha", item, place, passed, failed, flaky, skipped, patterns, "newestAt", "newestReportedAt", "newestRunUrl")
    SELECT ${releaseId}::uuid, t.commit, t.item, t.place, t.passed, t.failed, t.flaky, t.skipped, t.patterns::int[], t.newest_at, t.newest_reported, t.newest_run_url
    FROM unnest(${col((c) => c.commitSha)}::text[], ${col((c) => c.item)}::text[], ${col((c) => c.place)}::text[], ${col((c) => c.passed)}::int[], ${col((c) => c.failed)}::int[],
      ${col((c) => c.flaky)}::int[], ${col((c) => c.skipped)}::int[], ${col((c) => `{${c.patterns.join(",")}}`)}::text[], ${col((c) => c.newest?.at ?? null)}::float8[],
      ${col((c) => c.newest?.reportedAt ?? null)}::float8[], ${col((c) => c.newest?.runUrl ?? null)}::text[])
      WITH ORDINALITY AS t(commit, item, place, passed, failed, flaky, skipped, patterns, newest_at, newest_reported, newest_run_url, position)
    ORDER BY t.position
    ON CONFLICT ("releaseId", "commitSha", item, place) DO UPDATE SET
      passed = "CheckTally".passed + EXCLUDED.passed,
      failed = "CheckTally".failed + EXCLUDED.failed,
      flaky = "CheckTally".flaky + EXCLUDED.flaky,
      skipped = "CheckTally".skipped + EXCLUDED.skipped,
      patterns = ARRAY(SELECT coalesce(p.was, 0) + coalesce(p.change, 0) FROM unnest("CheckTally".patterns, EXCLUDED.patterns) WITH ORDINALITY AS p(was, change, n) ORDER BY p.n),
      "newestAt" = CASE WHEN ${newerClause} THEN EXCLUDED."newestAt" ELSE "CheckTally"."newestAt" END,
      "newestReportedAt" = CASE WHEN ${newerClause} THEN EXCLUDED."newestReportedAt" ELSE "CheckTally"."newestReportedAt" END,
      "newestRunUrl" = CASE WHEN ${newerClause} THEN EXCLUDED."newestRunUrl" ELSE "CheckTally"."newestRunUrl" END`;
}

const newerClause = Prisma.sql`EXCLUDED."newestAt" IS NOT NULL AND ("CheckTally"."newestAt" IS NULL
  OR (EXCLUDED."newestAt", EXCLUDED."newestReportedAt") > ("CheckTally"."newestAt", "CheckTally"."newestReportedAt"))`;

/**
 * The statements (as CTE bodies, for writers that send them with the runs themselves in one round
 * trip) that keep a batch's latest runs and the tallies; none for an empty batch. Only runs newer
 * than the kept ones are written, by the rule of lib/gate/tally.ts, decided here under the lock.
 * `alsoLock`: the caller's other advisory locks, taken in the same statement, after the tally lock
 * (the audit chain's, say: one round trip instead of two); `alsoRead`: an SQL value read with the
 * kept runs, under those locks (the chain's head), returned as `also`.
 */
export async function keptRunsStatements(tx: SqlClient, batch: RunBatch, options: { alsoLock?: Prisma.Sql[]; alsoRead?: Prisma.Sql } = {}): Promise<{ statements: Prisma.Sql[]; also: unknown }> {
  const locks = options.alsoLock ?? [];
  const alsoRead = options.alsoRead ?? Prisma.sql`NULL`;
  if (batch.runs.length === 0) {
    const locked = locks.length ? await sentOrDone(tx, tx.$executeRaw`SELECT ${Prisma.join(locks)}`) : null;
    // Nothing to read for a caller that asked for nothing: no round trip.
    if (!options.alsoRead) {
      await locked?.answered;
      return { statements: [], also: null };
    }
    const [, [row]] = await Promise.all([locked?.answered, tx.$queryRaw<{ also: unknown }[]>`SELECT ${alsoRead} AS also`]);
    return { statements: [], also: row?.also ?? null };
  }
  const read = await readKeptRuns(tx, batch, [...new Set(batch.runs.map((r) => r.key))], { alsoLock: locks, alsoRead });
  return { statements: await keptRunsWrites(tx, batch, read), also: read.also };
}

/** What readKeptRuns read: the kept runs of some keys, and what deciding about them needs. */
export type KeptRead = Read;

/**
 * The release's tally lock (and `alsoLock`), then, under them, the kept runs of `keys` on the
 * batch's commit, and `alsoRead`, as `also`. On a pipelined transaction, one round trip.
 */
export function readKeptRuns(tx: SqlClient, at: Pick<RunBatch, "releaseId" | "commitSha">, keys: string[], options: { alsoLock?: Prisma.Sql[]; alsoRead?: Prisma.Sql } = {}): Promise<KeptRead> {
  return readForBatch(tx, at, keys, options.alsoLock ?? [], options.alsoRead ?? Prisma.sql`NULL`);
}

/**
 * The statements that keep `batch`'s runs and the tallies, decided on `read` (readKeptRuns of at
 * least the batch's keys, under the same locks); none for an empty batch. No round trip, except
 * once for a release from before tallies.
 */
export async function keptRunsWrites(tx: SqlClient, batch: RunBatch, read: KeptRead): Promise<Prisma.Sql[]> {
  if (batch.runs.length === 0) return [];
  const items = read.items.map(toGateItem);
  if (!read.tallied) await startTallies(tx, batch.releaseId, items, read.environments);

  const environment = batch.environment ?? "";
  const runOf = new Map<KeptRun, Run>();
  for (const r of batch.runs) {
    runOf.set({ commitSha: batch.commitSha, environment, variant: r.variant ?? "", key: r.key, status: r.status, at: r.startedAt?.getTime() ?? read.now, reportedAt: read.now, runUrl: r.runUrl }, r);
  }
  // Of two runs of one key and variant in a batch, the newer is kept (the first of equals).
  const { kept, changes } = tallyChanges(checkPatterns(items), placesOf(items, read.environments), read.kept.map((row) => keptOf(batch.commitSha, row)), [...runOf.keys()]);
  const written = kept.map((k) => runOf.get(k)!).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : (a.variant ?? "") < (b.variant ?? "") ? -1 : 1));
  const statements: Prisma.Sql[] = [];
  if (written.length) {
    statements.push(Prisma.sql`
      INSERT INTO "ResultState" ("releaseId", "commitSha", environment, variant, key, status, "durationMs", message, "runUrl", "startedAt", "reportedAt")
      SELECT ${batch.releaseId}::uuid, ${batch.commitSha}, ${environment}, COALESCE(r.variant, ''), r.key, r.status::"ResultStatus", r.duration, r.message, r.run_url,
        (r.started::timestamptz AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC')
      FROM unnest(${written.map((r) => r.key)}::text[], ${written.map((r) => r.status)}::text[], ${written.map((r) => r.durationMs)}::int[], ${written.map((r) => r.message)}::text[],
        ${written.map((r) => r.variant)}::text[], ${written.map((r) => r.runUrl)}::text[], ${written.map((r) => r.startedAt?.toISOString() ?? null)}::text[])
        WITH ORDINALITY AS r(key, status, duration, message, variant, run_url, started, position)
      ORDER BY r.position
      ON CONFLICT ("releaseId", "commitSha", key, environment, variant) DO UPDATE
        SET status = EXCLUDED.status, "durationMs" = EXCLUDED."durationMs", message = EXCLUDED.message, "runUrl" = EXCLUDED."runUrl",
          "startedAt" = EXCLUDED."startedAt", "reportedAt" = EXCLUDED."reportedAt"`);
  }
  if (changes.length) statements.push(tallyUpsert(batch.releaseId, changes));
  // Which kept runs are failing: added when a replacing run fails, removed when one no longer does.
  const failing = (status: string | undefined) => status === "failed" || status === "flaky";
  const before = new Map(read.kept.map(([env, variant, key, status]) => [`${env}\u0000${variant}\u0000${key}`, status] as const));
  const wasFailing = (r: Run) => failing(before.get(`${environment}\u0000${r.variant ?? ""}\u0000${r.key}`));
  const nowFailing = written.filter((r) => failing(r.status) && !wasFailing(r));
  const noLonger = written.filter((r) => !failing(r.status) && wasFailing(r));
  if (nowFailing.length) {
    statements.push(Prisma.sql`
      INSERT INTO "FailingRun" ("releaseId", "commitSha", key, environment, variant)
      SELECT ${batch.releaseId}::uuid, ${batch.commitSha}, f.key, ${environment}, f.variant
      FROM unnest(${nowFailing.map((r) => r.key)}::text[], ${nowFailing.map((r) => r.variant ?? "")}::text[]) AS f(key, variant)
      ON CONFLICT DO NOTHING`);
  }
  if (noLonger.length) {
    statements.push(Prisma.sql`
      DELETE FROM "FailingRun" WHERE "releaseId" = ${batch.releaseId}::uuid AND "commitSha" = ${batch.commitSha} AND environment = ${environment}
        AND (key, variant) IN (SELECT * FROM unnest(${noLonger.map((r) => r.key)}::text[], ${noLonger.map((r) => r.variant ?? "")}::text[]))`);
  }
  return statements;
}

/** The statements as one: `WITH a AS (…), b AS (…) SELECT 1` (or SELECT `last`, such as a notice), each run to completion. */
export function asOneStatement(statements: Prisma.Sql[], last: Prisma.Sql = Prisma.sql`1`): Prisma.Sql {
  if (statements.length === 0) return Prisma.sql`SELECT ${last}`;
  return Prisma.sql`WITH ${Prisma.join(
    statements.map((s, i) => Prisma.sql`${Prisma.raw(`s${i}`)} AS (${s})`),
    ", ",
  )} SELECT ${last}`;
}

/** For writers that send the bookkeeping on its own. */
export async function keepLatestRuns(tx: SqlClient, batch: RunBatch): Promise<void> {
  const { statements } = await keptRunsStatements(tx, batch);
  if (statements.length) await tx.$executeRaw(asOneStatement(statements));
}
