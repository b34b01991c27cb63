// Markdown is parsed and rendered in worker threads (markdown-worker.ts), never on the server's
// event loop: micromark takes more than linear time on some shapes (40,000 "*a" took 11 s), and
// while it ran every other request waited, /api/health included. Each job has a time budget
// (SHIPCHECK_MARKDOWN_BUDGET_MS); a worker still busy when it runs out is terminated, and the
// job fails with MarkdownBudgetError, which the use cases answer with a 422 naming the budget.
//
// Two small pools ("lanes"), so that a burst of one kind cannot starve the other: documents
// (Markdown imports, templates, renderings) and reports (large results reports from CI, which a
// sharded run sends many of at once). Each has up to its maxWorkers threads, kept for IDLE_MS
// after a job so the next one does not pay for starting a thread and loading the parser again;
// jobs beyond that wait their turn, and past its maxWaiting are refused (MarkdownBusyError).
// See docs/decisions/007-markdown-off-the-event-loop.md.
import { Worker, type WorkerOptions } from "node:worker_threads";
import type { ResultCount } from "../ingest/count-results";
import type { JUnitOutcome } from "../ingest/junit-job";
import type { ParseOptions } from "../ingest/report";
import { MarkdownImportError } from "./markdown-error";
import type { FromWorker, ImportOutcome, JobResult, MarkdownJob, RenderSource, TemplateOutcome } from "./markdown-jobs";
import type { MarkdownImportOptions } from "./markdown-import";
import type { RenderedMarkdown } from "./rendered-markdown";

export const DEFAULT_MARKDOWN_BUDGET_MS = 3_000;
export type Lane = "documents" | "reports";
const LANES: Record<Lane, { maxWorkers: number; maxWaiting: number; waitingWhat: string }> = {
  documents: { maxWorkers: 2, maxWaiting: 16, waitingWhat: "Markdown documents" },
  // CI's shards post together; a report waits here rather than being refused while two are read.
  reports: { maxWorkers: 2, maxWaiting: 64, waitingWhat: "reports" },
};
const laneOf = (job: MarkdownJob): Lane => (job.kind === "count-results" || job.kind === "junit" ? "reports" : "documents");
const IDLE_MS = 60_000;
/** Starting a thread is not part of a job's budget, but must not hang forever either. */
const START_TIMEOUT_MS = 30_000;
/** Enough for the largest document the importer accepts; a runaway parse stops here, not the server. */
const WORKER_OPTIONS: WorkerOptions = { name: "shipcheck-markdown", resourceLimits: { maxOldGenerationSizeMb: 256 } };

/** How long one Markdown job may take, in ms: SHIPCHECK_MARKDOWN_BUDGET_MS, default 3000. */
export function markdownBudgetMs(): number {
  const raw = process.env.SHIPCHECK_MARKDOWN_BUDGET_MS?.trim();
  const value = Number(raw);
  return raw && Number.isInteger(value) && value > 0 ? value : DEFAULT_MARKDOWN_BUDGET_MS;
}

/** "3 s", "1.5 s", "300 ms": a budget as people read it. */
export const formatBudget = (ms: number) => (ms >= 1_000 ? `${Number((ms / 1_000).toFixed(1))} s` : `${ms} ms`);

/** The job outlived its budget (or the worker's memory limit) and its worker was stopped. */
export class MarkdownBudgetError extends Error {
  override readonly name = "MarkdownBudgetError";
  constructor(
    readonly budgetMs: number,
    /** Render and template jobs: the text being rendered when time ran out. */
    readonly at: string | undefined,
    /** Render and template jobs: the texts finished before that. */
    readonly done: Record<string, RenderedMarkdown>,
    readonly reason: "time" | "memory" = "time",
  ) {
    super(
      reason === "time"
        ? `reading the Markdown took longer than its budget of ${formatBudget(budgetMs)} (SHIPCHECK_MARKDOWN_BUDGET_MS), so it was stopped`
        : "reading the Markdown needed more memory than a Markdown worker may use, so it was stopped",
    );
  }
}

/** Too many Markdown jobs are already waiting: try again shortly. */
export class MarkdownBusyError extends Error {
  override readonly name = "MarkdownBusyError";
}

/** A worker could not be started, or failed other than by running out of time or memory. */
export class MarkdownWorkerError extends Error {
  override readonly name = "MarkdownWorkerError";
}

/** A Markdown checklist -> a template (see importMarkdownChecklist), in a worker, within the budget. */
export function importMarkdownOffThread(markdown: string, options: MarkdownImportOptions, budgetMs = markdownBudgetMs()): Promise<ImportOutcome> {
  return runMarkdownJob({ kind: "import", markdown, options }, budgetMs);
}

/** A template's source -> the validated template and its texts' renderings, in a worker, within the budget. */
export function parseTemplateOffThread(source: string, budgetMs = markdownBudgetMs()): Promise<TemplateOutcome> {
  return runMarkdownJob({ kind: "template", source }, budgetMs);
}

/** Texts -> their renderings, keyed by path, in a worker, within one budget for them all. */
export function renderOffThread(sources: RenderSource[], budgetMs = markdownBudgetMs()): Promise<Record<string, RenderedMarkdown>> {
  if (sources.length === 0) return Promise.resolve({});
  return runMarkdownJob({ kind: "render", sources }, budgetMs);
}

/** How many results a large JSON report holds, parsed in a worker (lib/ingest/count-results.ts). */
export function countResultsOffThread(text: string, budgetMs = markdownBudgetMs()): Promise<ResultCount> {
  return runMarkdownJob({ kind: "count-results", text }, budgetMs);
}

/** A JUnit report read and validated in a worker, in the envelope of the request's `url` (lib/ingest/junit-job.ts). */
export function readJUnitOffThread(text: string, options: ParseOptions, url: string, budgetMs: number): Promise<JUnitOutcome> {
  return runMarkdownJob({ kind: "junit", text, options, url }, budgetMs);
}

// ---------------------------------------------------------------------------------------------
// The pools. One of each lane per process (on globalThis: Next.js and test runners may evaluate
// this module twice).

type Pool = { lane: Lane; idle: PooledWorker[]; live: number; waiting: Array<() => void> };
const POOLS_KEY = Symbol.for("shipcheck.workerPools");
const newPool = (lane: Lane): Pool => ({ lane, idle: [], live: 0, waiting: [] });
const pools: Record<Lane, Pool> = ((globalThis as { [POOLS_KEY]?: Record<Lane, Pool> })[POOLS_KEY] ??= { documents: newPool("documents"), reports: newPool("reports") });
let nextJob = 1;

/** For tests: a lane's threads alive, of them idle, and jobs waiting for one. */
export function markdownPoolState(lane: Lane = "documents") {
  const pool = pools[lane];
  return { live: pool.live, idle: pool.idle.length, waiting: pool.waiting.length };
}

/** Stops the idle threads of both lanes (busy ones stop when their job ends). */
export async function closeMarkdownPool(): Promise<void> {
  await Promise.all(Object.values(pools).flatMap((pool) => pool.idle.splice(0).map((w) => w.stop())));
}

export async function runMarkdownJob<J extends MarkdownJob>(job: J, budgetMs = markdownBudgetMs()): Promise<JobResult<J>> {
  const pool = pools[laneOf(job)];
  const worker = await acquire(pool);
  try {
    return (await worker.run(job, budgetMs)) as JobResult<J>;
  } finally {
    release(pool, worker);
  }
}

async function acquire(pool: Pool): Promise<PooledWorker> {
  const { maxWorkers, maxWaiting, waitingWhat } = LANES[pool.lane];
  for (;;) {
    const idle = pool.idle.pop();
    if (idle) {
      idle.wake();
      return idle;
    }
    if (pool.live < maxWorkers) {
      pool.live++;
      let thread: Worker;
      try {
        thread = await startWorker();
      } catch (error) {
        pool.live--;
        pool.waiting.shift()?.();
        throw new MarkdownWorkerError(`the Markdown worker could not be started: ${error instanceof Error ? error.message : String(error)}`);
      }
      const worker = new PooledWorker(pool, thread);
      await worker.started;
      return worker;
    }
    if (pool.waiting.length >= maxWaiting) {
      throw new MarkdownBusyError(`${maxWaiting} ${waitingWhat} are already waiting to be read; try again in a few seconds`);
    }
    await new Promise<void>((resolve) => pool.waiting.push(resolve));
  }
}

function release(pool: Pool, worker: PooledWorker): void {
  if (!worker.alive) return; // its end already woke the next waiter
  if (pool.idle.length < LANES[pool.lane].maxWorkers) {
    worker.sleep();
    pool.idle.push(worker);
    pool.waiting.shift()?.();
  } else void worker.stop();
}

/**
 * Inside Next.js (built or dev) the bundler turns `new Worker(new URL(…, import.meta.url))` into a
 * compiled worker chunk. Run from source (tests, scripts under tsx), the worker is the same file
 * bundled by esbuild (markdown-worker-source.ts): this Node.js cannot run TypeScript by itself.
 */
async function startWorker(): Promise<Worker> {
  if (process.env.NEXT_RUNTIME) return new Worker(new URL("./markdown-worker.ts", import.meta.url), WORKER_OPTIONS);
  const { markdownWorkerSource } = await import("./markdown-worker-source");
  return new Worker(await markdownWorkerSource(), { ...WORKER_OPTIONS, eval: true });
}

type Running = {
  id: number;
  job: MarkdownJob;
  budgetMs: number;
  done: Record<string, RenderedMarkdown>;
  /** The texts a render or template job renders, in order, once known. */
  paths: string[] | undefined;
  resolve: (result: ImportOutcome | TemplateOutcome | ResultCount | JUnitOutcome | Record<string, RenderedMarkdown>) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
};

class PooledWorker {
  readonly started: Promise<void>;
  alive = true;
  private starting: { resolve: () => void; reject: (error: Error) => void; timer: ReturnType<typeof setTimeout> } | undefined;
  private running: Running | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  /** `worker`: just started, counted in `pool.live` already. */
  constructor(
    private readonly pool: Pool,
    private readonly worker: Worker,
  ) {
    this.started = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => this.notStarted("it did not start in time"), START_TIMEOUT_MS);
      this.starting = { resolve, reject, timer };
    });
    // Never keeps the process alive by itself; a running job's budget timer does.
    this.worker.unref();
    this.worker.on("message", (message: FromWorker) => this.receive(message));
    this.worker.on("error", (error) => this.crashed(error));
    this.worker.on("exit", () => this.exited());
  }

  run(job: MarkdownJob, budgetMs: number): Promise<ImportOutcome | TemplateOutcome | ResultCount | JUnitOutcome | Record<string, RenderedMarkdown>> {
    return new Promise((resolve, reject) => {
      const id = nextJob++;
      const timer = setTimeout(() => this.outOfTime(), budgetMs);
      this.running = { id, job, budgetMs, done: {}, paths: job.kind === "render" ? job.sources.map((s) => s.path) : undefined, resolve, reject, timer };
      this.worker.postMessage({ id, job });
    });
  }

  sleep(): void {
    this.idleTimer = setTimeout(() => void this.stop(), IDLE_MS);
    this.idleTimer.unref();
  }

  wake(): void {
    clearTimeout(this.idleTimer);
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    this.markDead();
    await this.worker.terminate();
  }

  private receive(message: FromWorker): void {
    if (message.type === "ready") {
      if (!this.starting) return;
      clearTimeout(this.starting.timer);
      this.starting.resolve();
      this.starting = undefined;
      return;
    }
    const job = this.running;
    if (!job || message.id !== job.id) return;
    if (message.type === "parsed") {
      job.paths = message.paths;
      return;
    }
    if (message.type === "rendered") {
      job.done[message.path] = message.rendered;
      return;
    }
    this.finish();
    if (message.type === "done") job.resolve(message.result ?? job.done);
    else if (message.type === "refused") job.reject(new MarkdownImportError(message.message));
    else job.reject(new Error(`the Markdown worker failed: ${message.message}`));
  }

  private outOfTime(): void {
    const job = this.running;
    if (!job) return;
    this.finish();
    void this.stop();
    job.reject(new MarkdownBudgetError(job.budgetMs, nextSource(job), job.done));
  }

  /** An error the worker did not catch: it is gone. Out of memory is the input's fault, like time. */
  private crashed(error: Error): void {
    this.markDead();
    if (this.starting) return this.notStarted(error.message);
    const job = this.running;
    if (!job) return;
    this.finish();
    if ((error as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY") job.reject(new MarkdownBudgetError(job.budgetMs, nextSource(job), job.done, "memory"));
    else job.reject(new MarkdownWorkerError(`the Markdown worker stopped: ${error.message}`));
  }

  private exited(): void {
    this.markDead();
    if (this.starting) return this.notStarted("it exited");
    const job = this.running;
    if (!job) return;
    this.finish();
    job.reject(new MarkdownWorkerError("the Markdown worker exited during a job"));
  }

  private notStarted(why: string): void {
    const starting = this.starting;
    if (!starting) return;
    this.starting = undefined;
    clearTimeout(starting.timer);
    void this.stop();
    starting.reject(new MarkdownWorkerError(`the Markdown worker could not be started: ${why}`));
  }

  private finish(): void {
    if (this.running) clearTimeout(this.running.timer);
    this.running = undefined;
  }

  private markDead(): void {
    if (!this.alive) return;
    this.alive = false;
    const pool = this.pool;
    pool.live--;
    clearTimeout(this.idleTimer);
    const at = pool.idle.indexOf(this);
    if (at >= 0) pool.idle.splice(at, 1);
    // A place is free: the next job waiting may start a worker.
    pool.waiting.shift()?.();
  }
}

/** The first text not finished yet: the one being read (none while a template job still reads its YAML). */
function nextSource(job: Running): string | undefined {
  return job.paths?.find((path) => !(path in job.done));
}
