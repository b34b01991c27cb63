// A transaction whose statements go out without waiting for each other's answers (node-postgres's
// pipeline mode, docs/decisions/024): the server still runs them one after another, in the order
// they were sent, each with a snapshot of its own, so a read sent behind a lock runs once the lock
// is held and sees what its previous holder committed. A writer that knows its next statements
// before the answers to its last ones pays one round trip for them all. Results batches use it:
// under a busy event loop every answer waits its turn, and the release's lock is held meanwhile.
//
// Errors: once a statement fails, every later one of the transaction fails too (the transaction is
// aborted), and a COMMIT sent behind them rolls it back. The first error is the one reported.
import { Prisma } from "@/generated/prisma/client";
import { AppError } from "@/lib/errors";
import { pool } from "./client";

/** What raw SQL needs of a client: Prisma's transaction client has it, and so has a pipelined transaction. */
export type SqlClient = {
  $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<T>;
  $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<number>;
};

export type PipelinedTransaction = SqlClient & {
  /** Always true: statements sent before an earlier one is answered are not held back. */
  readonly pipelined: true;
};

export type PipelineOptions = {
  /** How long to wait for a connection of the pool before answering 503. */
  maxWaitMs?: number;
  /** The transaction's statements may take this long each (statement_timeout, for this transaction only). */
  statementTimeoutMs?: number;
};

const sqlOf = (query: TemplateStringsArray | Prisma.Sql, values: unknown[]): Prisma.Sql =>
  query instanceof Prisma.Sql ? query : Prisma.sql(query, ...values);

/** A connection of the pool within `maxWaitMs`, or a 503; one that comes later goes straight back. */
async function connection(maxWaitMs: number) {
  const pending = pool().connect();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError("service_unavailable", "no database connection came free in time; retry shortly", undefined, { retryAfter: 5 })), maxWaitMs);
  });
  try {
    return await Promise.race([pending, timeout]);
  } catch (error) {
    pending.then((late) => late.release()).catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `work` in a transaction on one connection. BEGIN goes out with `work`'s first statements;
 * COMMIT is sent after `work` returns, or earlier, behind its last statements, when `work` calls
 * the `commit` it is given. Any error rolls everything back.
 */
export async function pipelinedTransaction<T>(work: (tx: PipelinedTransaction, commit: () => Promise<void>) => Promise<T>, options: PipelineOptions = {}): Promise<T> {
  const client = await connection(options.maxWaitMs ?? 10_000);
  const sent: Promise<unknown>[] = [];
  const send = (sql: Prisma.Sql) => {
    const answer = client.query(sql.text, sql.values);
    // Answers that fail while the caller awaits an earlier one are reported through that one (or
    // the COMMIT); they must not count as unhandled meanwhile.
    answer.catch(() => undefined);
    sent.push(answer);
    return answer;
  };
  let committed: Promise<unknown> | null = null;
  const tx: PipelinedTransaction = {
    pipelined: true,
    $queryRaw: async <R,>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => (await send(sqlOf(query, values))).rows as R,
    $executeRaw: async (query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => (await send(sqlOf(query, values))).rowCount ?? 0,
  };
  const commit = () => {
    committed ??= send(Prisma.sql`COMMIT`);
    return committed.then(() => undefined);
  };
  let broken: unknown = undefined;
  try {
    send(Prisma.sql`BEGIN`);
    send(Prisma.sql`SELECT set_config('statement_timeout', ${String(options.statementTimeoutMs ?? 60_000)}, true)`);
    const outcome = await work(tx, commit);
    await commit();
    return outcome;
  } catch (error) {
    // Every answer first, so the connection is idle again; then back to a clean state.
    await Promise.allSettled(sent);
    await client.query("ROLLBACK").catch((rollback: unknown) => {
      broken = rollback;
    });
    throw error;
  } finally {
    // A connection that could not even roll back is not given to anyone else.
    client.release(broken instanceof Error ? broken : undefined);
  }
}

/** Whether `client` sends statements without waiting for the answers to earlier ones. */
export function isPipelined(client: SqlClient): client is PipelinedTransaction {
  return (client as Partial<PipelinedTransaction>).pipelined === true;
}
