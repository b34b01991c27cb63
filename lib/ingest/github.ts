// GitHub webhooks -> Shipcheck results. Pure: no database, no clock, no network.
//
// Events and keys (stable across runs and commits, so template patterns can name them):
//   workflow_run (completed) -> `github:<workflow name>`            the run as a whole
//                               (workflow_run.name, else workflow.name, else the workflow file's path)
//   workflow_job (completed) -> `github:<workflow name>/<job name>`  one job of a run, e.g. `github:CI/build`
//                               (workflow_job.workflow_name, else "workflow"), so two workflows' `build`
//                               jobs are two keys; a matrix job is named with its values, `test (20, linux)`
//   check_run    (completed) -> `github:<app slug>/<check run name>` e.g. `github:github-actions/build`
//                               (check_run.app.slug, else check_suite.app.slug, else the app's name, else "checks")
//   check_suite  (completed) -> `github:<app slug>`                  one suite per app and commit
//                               GitHub Actions suites are ignored: Actions makes one suite per workflow
//                               run, all from the same app, and the payload doesn't name the workflow, so
//                               one key would mix every workflow (use workflow_run for Actions instead).
// Conclusions: success -> passed; failure, timed_out, startup_failure, action_required, cancelled
// (and any conclusion GitHub adds later) -> failed; skipped, neutral, stale -> skipped.
// Any other action, a completed event without a conclusion, and every other event are ignored.
import { verify } from "@octokit/webhooks-methods";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import type { resultStatus } from "@/lib/validation/results";

export type ResultStatus = z.infer<typeof resultStatus>;

export type GithubResult = {
  key: string;
  status: ResultStatus;
  durationMs: number | null;
  message: string;
  runId: string | null;
  runUrl: string | null;
  startedAt: Date | null;
};

/**
 * `occurrence`: what this delivery reports, independent of its delivery id: the same signed body
 * sent again under a new X-GitHub-Delivery names the same occurrence and is stored only once. A
 * re-run (a new run attempt, a check completed again) is a new occurrence. Null when the payload
 * carries no id to tell occurrences apart.
 */
export type GithubMapping = { event: string; headSha: string; occurrence: string | null; results: GithubResult[] } | { ignored: string };

const occurrenceOf = (...parts: (string | null | undefined)[]) => (parts.every((p) => p) ? parts.join(":").slice(0, 200) : null);

const CONCLUSIONS: Record<string, ResultStatus> = {
  success: "passed",
  failure: "failed",
  timed_out: "failed",
  startup_failure: "failed",
  action_required: "failed",
  cancelled: "failed",
  skipped: "skipped",
  neutral: "skipped",
  stale: "skipped",
};

/** A conclusion GitHub may add later counts as a failure: the gate never opens on something unknown. */
export function conclusionStatus(conclusion: string): ResultStatus {
  return CONCLUSIONS[conclusion] ?? "failed";
}

const MAX_DURATION_MS = 7 * 24 * 3600 * 1000;
const MAX_NAME = 300;

// Optional fields are read leniently: a wrong type is treated as absent instead of refusing the event.
const optionalText = z.string().nullish().catch(null);
const optionalId = z.union([z.number(), z.string()]).nullish().catch(null);
const headSha = z
  .string()
  .regex(/^[0-9a-fA-F]{7,64}$/, "a commit SHA is 7 to 64 hexadecimal characters")
  .transform((s) => s.toLowerCase());
const app = z.object({ slug: optionalText, name: optionalText }).loose().nullish().catch(null);

const workflowRunPayload = z
  .object({
    workflow: z.object({ name: optionalText }).loose().nullish().catch(null),
    workflow_run: z
      .object({
        id: optionalId,
        name: optionalText,
        path: optionalText,
        head_sha: headSha,
        status: optionalText,
        conclusion: optionalText,
        html_url: optionalText,
        run_started_at: optionalText,
        created_at: optionalText,
        updated_at: optionalText,
        run_attempt: optionalId,
      })
      .loose(),
  })
  .loose();

const checkRunPayload = z
  .object({
    check_run: z
      .object({
        id: optionalId,
        name: z.string().min(1),
        head_sha: headSha,
        conclusion: optionalText,
        html_url: optionalText,
        details_url: optionalText,
        started_at: optionalText,
        completed_at: optionalText,
        app,
        check_suite: z.object({ app }).loose().nullish().catch(null),
        output: z.object({ title: optionalText }).loose().nullish().catch(null),
      })
      .loose(),
  })
  .loose();

const checkSuitePayload = z
  .object({
    repository: z.object({ html_url: optionalText }).loose().nullish().catch(null),
    check_suite: z
      .object({
        id: optionalId,
        head_sha: headSha,
        conclusion: optionalText,
        created_at: optionalText,
        updated_at: optionalText,
        app,
      })
      .loose(),
  })
  .loose();

const workflowJobPayload = z
  .object({
    workflow_job: z
      .object({
        id: optionalId,
        run_id: optionalId,
        run_attempt: optionalId,
        workflow_name: optionalText,
        name: z.string().min(1),
        head_sha: headSha,
        conclusion: optionalText,
        html_url: optionalText,
        started_at: optionalText,
        completed_at: optionalText,
      })
      .loose(),
  })
  .loose();

/** The events Shipcheck turns into results. */
export const GITHUB_RESULT_EVENTS = ["workflow_run", "workflow_job", "check_run", "check_suite"] as const;

/**
 * Event name (X-GitHub-Event) and parsed payload -> results for the head commit, or why the
 * delivery is ignored. Throws a ZodError (422) when a relevant event lacks what it needs.
 */
export function mapGithubEvent(event: string, payload: unknown): GithubMapping {
  if (!(GITHUB_RESULT_EVENTS as readonly string[]).includes(event)) return { ignored: `event "${event}" is not used by Shipcheck` };
  const action = isRecord(payload) && typeof payload.action === "string" ? payload.action : null;
  if (action !== "completed") return { ignored: `${event} action "${action ?? "(none)"}" is not "completed"` };
  if (event === "workflow_run") return mapWorkflowRun(workflowRunPayload.parse(payload));
  if (event === "workflow_job") return mapWorkflowJob(workflowJobPayload.parse(payload));
  if (event === "check_run") return mapCheckRun(checkRunPayload.parse(payload));
  return mapCheckSuite(checkSuitePayload.parse(payload));
}

function mapWorkflowRun({ workflow, workflow_run: run }: z.infer<typeof workflowRunPayload>): GithubMapping {
  if (!run.conclusion) return { ignored: "workflow_run completed without a conclusion" };
  const name = clean(run.name) || clean(workflow?.name) || clean(run.path) || "workflow";
  const startedAt = time(run.run_started_at) ?? time(run.created_at);
  // A workflow run has no completion time of its own; once completed, its last update is that moment.
  const completedAt = run.status === "completed" ? time(run.updated_at) : null;
  const url = httpUrl(run.html_url);
  return {
    event: "workflow_run",
    headSha: run.head_sha,
    occurrence: occurrenceOf("workflow_run", id(run.id), id(run.run_attempt) ?? "1"),
    results: [
      {
        key: `github:${name}`,
        status: conclusionStatus(run.conclusion),
        durationMs: duration(startedAt, completedAt),
        message: message(run.conclusion, null, url),
        runId: id(run.id),
        runUrl: url,
        startedAt,
      },
    ],
  };
}

function mapWorkflowJob({ workflow_job: job }: z.infer<typeof workflowJobPayload>): GithubMapping {
  if (!job.conclusion) return { ignored: "workflow_job completed without a conclusion" };
  // A "/" in the workflow's name would make `a/b` + `c` read like `a` + `b/c`: it becomes "∕".
  const workflow = (clean(job.workflow_name) || "workflow").replace(/\//g, "\u2215");
  const startedAt = time(job.started_at);
  const url = httpUrl(job.html_url);
  return {
    event: "workflow_job",
    headSha: job.head_sha,
    occurrence: occurrenceOf("workflow_job", id(job.id), id(job.run_attempt) ?? "1"),
    results: [
      {
        key: `github:${workflow}/${clean(job.name) || "job"}`,
        status: conclusionStatus(job.conclusion),
        durationMs: duration(startedAt, time(job.completed_at)),
        message: message(job.conclusion, null, url),
        runId: id(job.run_id) ?? id(job.id),
        runUrl: url,
        startedAt,
      },
    ],
  };
}

function mapCheckRun({ check_run: run }: z.infer<typeof checkRunPayload>): GithubMapping {
  if (!run.conclusion) return { ignored: "check_run completed without a conclusion" };
  const appName = clean(run.app?.slug) || clean(run.check_suite?.app?.slug) || clean(run.app?.name) || clean(run.check_suite?.app?.name) || "checks";
  const startedAt = time(run.started_at);
  const url = httpUrl(run.html_url) ?? httpUrl(run.details_url);
  return {
    event: "check_run",
    headSha: run.head_sha,
    occurrence: occurrenceOf("check_run", id(run.id), clean(run.completed_at)),
    results: [
      {
        key: `github:${appName}/${clean(run.name) || "check"}`,
        status: conclusionStatus(run.conclusion),
        durationMs: duration(startedAt, time(run.completed_at)),
        message: message(run.conclusion, clean(run.output?.title, 1000), url),
        runId: id(run.id),
        runUrl: url,
        startedAt,
      },
    ],
  };
}

function mapCheckSuite({ repository, check_suite: suite }: z.infer<typeof checkSuitePayload>): GithubMapping {
  if (!suite.conclusion) return { ignored: "check_suite completed without a conclusion" };
  const slug = clean(suite.app?.slug);
  if (slug === "github-actions") {
    return { ignored: "check_suite from GitHub Actions: its payload doesn't name the workflow; send workflow_run events instead" };
  }
  const appName = slug || clean(suite.app?.name) || "checks";
  const startedAt = time(suite.created_at);
  const repoUrl = httpUrl(repository?.html_url);
  const suiteId = id(suite.id);
  const url = repoUrl ? `${repoUrl}/commit/${suite.head_sha}/checks${suiteId ? `?check_suite_id=${encodeURIComponent(suiteId)}` : ""}` : null;
  return {
    event: "check_suite",
    headSha: suite.head_sha,
    occurrence: occurrenceOf("check_suite", suiteId, clean(suite.updated_at)),
    results: [
      {
        key: `github:${appName}`,
        status: conclusionStatus(suite.conclusion),
        durationMs: duration(startedAt, time(suite.updated_at)),
        message: message(suite.conclusion, null, url),
        runId: suiteId,
        runUrl: url,
        startedAt,
      },
    ],
  };
}

/** `repository.full_name` of a payload, or null. */
export function repositoryOf(payload: unknown): string | null {
  if (!isRecord(payload) || !isRecord(payload.repository)) return null;
  const name = payload.repository.full_name;
  return typeof name === "string" && name.length > 0 ? name : null;
}

/**
 * The payload of a delivery: GitHub sends JSON, or with the "application/x-www-form-urlencoded"
 * content type the JSON in a `payload` field. Anything else than a JSON object is a 400.
 */
export function parseGithubBody(body: string, contentType: string | null): Record<string, unknown> {
  let text = body;
  if (/^application\/x-www-form-urlencoded\b/i.test(contentType ?? "")) {
    const field = new URLSearchParams(body).get("payload");
    if (field === null) throw new AppError("bad_request", "a form-encoded GitHub delivery needs a `payload` field");
    text = field;
  }
  if (text.trim() === "") throw new AppError("bad_request", "the request body is empty; GitHub sends a JSON document");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AppError("bad_request", `the request body is not valid JSON: ${(error as Error).message}`);
  }
  if (!isRecord(value)) throw new AppError("bad_request", "the request body is not a JSON object");
  return value;
}

/**
 * Checks `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with the webhook's secret) in
 * constant time. False for a missing, malformed or wrong signature; never throws.
 */
export async function verifyGithubSignature(secret: string, body: string, signature: string | null | undefined): Promise<boolean> {
  if (!secret || !body || !signature) return false;
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(signature.trim());
  if (!match) return false;
  try {
    return await verify(secret, body, `sha256=${match[1]!.toLowerCase()}`);
  } catch {
    return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Names from the payload as key parts: no control characters (NUL included), trimmed, bounded. */
function clean(value: string | null | undefined, max = MAX_NAME): string {
  return (value ?? "").replace(/[\u0000-\u001f\u007f]+/g, " ").trim().slice(0, max);
}

function time(value: string | null | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  const year = date.getUTCFullYear();
  return Number.isNaN(date.getTime()) || year < 1970 || year > 9999 ? null : date;
}

function duration(start: Date | null, end: Date | null): number | null {
  if (!start || !end) return null;
  const ms = end.getTime() - start.getTime();
  return ms >= 0 && ms <= MAX_DURATION_MS ? ms : null;
}

function httpUrl(value: string | null | undefined): string | null {
  if (!value || value.length > 2000 || !/^https?:\/\//i.test(value) || /[\u0000-\u0020\u007f]/.test(value)) return null;
  return URL.canParse(value) ? value : null;
}

function id(value: string | number | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const text = clean(String(value), 200);
  return text || null;
}

function message(conclusion: string, title: string | null, url: string | null): string {
  return `${clean(conclusion, 100)}${title ? `: ${title}` : ""}${url ? ` (${url})` : ""}`;
}
