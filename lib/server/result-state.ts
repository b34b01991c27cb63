// ResultState: the latest run per key, commit, environment and variant, kept in the transaction
// that stores the runs, so the gate reads one row per test however many runs there were
// (docs/decisions/006). Every writer of Result calls this.
import { Prisma } from "@/generated/prisma/client";
import type { Tx } from "@/lib/db/client";
import type { ResultStatus } from "@/lib/gate";

export type Run = { key: string; variant: string | null; status: ResultStatus; durationMs: number | null; message: string | null; runUrl: string | null; startedAt: Date | null };

const order = (r: Run, arrival: number) => [r.startedAt?.getTime() ?? arrival, arrival] as const;

export type RunBatch = { releaseId: string; commitSha: string; environment: string | null; runs: Run[] };

/**
 * The statement that keeps a batch's latest runs, for writers that send it together with the runs
 * themselves (one round trip); null for an empty batch.
 */
export function latestRunsStatement(batch: RunBatch): Prisma.Sql | null {
  // One row per key and variant in one statement (ON CONFLICT may touch a row only once).
  const latest = new Map<string, Run>();
  const now = Date.now();
  for (const run of batch.runs) {
    const id = `${run.variant ?? ""}\u0000${run.key}`;
    const kept = latest.get(id);
    if (!kept || order(run, now)[0] > order(kept, now)[0]) latest.set(id, run);
  }
  const runs = [...latest.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : (a.variant ?? "") < (b.variant ?? "") ? -1 : 1));
  if (runs.length === 0) return null;
  return Prisma.sql`
    INSERT INTO "ResultState" ("releaseId", "commitSha", environment, variant, key, status, "durationMs", message, "runUrl", "startedAt", "reportedAt")
    SELECT ${batch.releaseId}::uuid, ${batch.commitSha}, ${batch.environment ?? ""}, COALESCE(r.variant, ''), r.key, r.status::"ResultStatus", r.duration, r.message, r.run_url,
      (r.started::timestamptz AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC')
    FROM unnest(${runs.map((r) => r.key)}::text[], ${runs.map((r) => r.status)}::text[], ${runs.map((r) => r.durationMs)}::int[], ${runs.map((r) => r.message)}::text[],
      ${runs.map((r) => r.variant)}::text[], ${runs.map((r) => r.runUrl)}::text[], ${runs.map((r) => r.startedAt?.toISOString() ?? null)}::text[])
      WITH ORDINALITY AS r(key, status, duration, message, variant, run_url, started, position)
    ORDER BY r.position
    ON CONFLICT ("releaseId", "commitSha", environment, variant, key) DO UPDATE
      SET status = EXCLUDED.status, "durationMs" = EXCLUDED."durationMs", message = EXCLUDED.message, "runUrl" = EXCLUDED."runUrl",
        "startedAt" = EXCLUDED."startedAt", "reportedAt" = EXCLUDED."reportedAt"
      WHERE (COALESCE(EXCLUDED."startedAt", EXCLUDED."reportedAt"), EXCLUDED."reportedAt")
        > (COALESCE("ResultState"."startedAt", "ResultState"."reportedAt"), "ResultState"."reportedAt")`;
}

/**
 * A run replaces the kept one only when it is newer by the gate's rule (its start time, else its
 * arrival; arrival breaks ties). Rows are written in key order, so two reports for the same release
 * never lock each other's rows in opposite orders.
 */
export async function keepLatestRuns(tx: Tx, batch: RunBatch): Promise<void> {
  const statement = latestRunsStatement(batch);
  if (statement) await tx.$executeRaw(statement);
}
