// `shipcheck gate`: may this release go to this environment? With --wait, follows the gate until
// it opens, an item is rejected, or the time is up.
import { ApiError, apiClientFromEnv, type ApiClient, type ApiResponse } from "../api-client";
import { optional, parseDuration, required, type Command } from "../args";
import { printBlocker, printJson } from "../output";
import { RETRYABLE_STATUSES, retryPolicyFromEnv, withRetries } from "../retry";
import type { GateReport } from "../types";

const DEFAULT_TIMEOUT = "30m";
const DEFAULT_INTERVAL = "10s";

export const gate: Command = {
  usage: "shipcheck gate --project <slug> --release <version> --environment <env> [--wait [--timeout 30m] [--interval 10s]]",
  help: `
Asks the gate of a release for one environment and prints each reason it is closed.

With --wait it asks again every --interval (default ${DEFAULT_INTERVAL}) until the gate opens, until a
manual item is rejected (a person said no: waiting longer won't help), or until --timeout (default
${DEFAULT_TIMEOUT}; 90s, 45m, 1h30m). While Shipcheck restarts or its database is away, waiting goes on.

Options:
  --project <slug>       the project
  --release <version>    the release
  --environment <env>    the environment to deploy to
  --wait                 follow the gate until it opens, is rejected, or the timeout
  --timeout <duration>   how long --wait waits (default ${DEFAULT_TIMEOUT})
  --interval <duration>  how often --wait asks (default ${DEFAULT_INTERVAL})
  --json                 print the gate as JSON (with --wait: the last one, once)
Exit: 0 open (or overridden by an administrator), 1 closed (with --wait: rejected, or still
closed at the timeout), 2 on any error.`,
  options: {
    project: { type: "string" },
    release: { type: "string" },
    environment: { type: "string" },
    wait: { type: "boolean" },
    timeout: { type: "string" },
    interval: { type: "string" },
  },
  async run(parsed, env) {
    const { project, release, environment } = required(parsed, ["project", "release", "environment"], this);
    const client = apiClientFromEnv(env);
    const path = `/api/v1/projects/${encodeURIComponent(project)}/releases/${encodeURIComponent(release)}/gate?environment=${encodeURIComponent(environment)}`;
    if (!parsed.values.wait) {
      const { body } = await withRetries(() => client.request<GateReport>("GET", path), retryPolicyFromEnv(env));
      return finish(body, parsed.json);
    }
    const timeout = parseDuration(optional(parsed, "timeout") ?? DEFAULT_TIMEOUT, "--timeout");
    const interval = Math.max(0.2, parseDuration(optional(parsed, "interval") ?? DEFAULT_INTERVAL, "--interval"));
    return waitForGate(client, path, { timeoutMs: timeout * 1000, intervalMs: interval * 1000, json: parsed.json });
  },
};

/** Exit 0 open, 1 closed; prints the gate. */
function finish(report: GateReport, json: boolean, note?: string): number {
  if (json) printJson(note ? { ...report, waited: note } : report);
  else if (report.open) {
    console.log(report.overridden ? `Gate for ${report.release} → ${report.environment}: OVERRIDDEN (open by an administrator's decision)` : `Gate for ${report.release} → ${report.environment}: open`);
  } else {
    console.log(`Gate for ${report.release} → ${report.environment}: closed (${report.blocking.length} blocking)${note ? `: ${note}` : ""}`);
    for (const b of report.blocking) printBlocker(b);
  }
  return report.open ? 0 : 1;
}

const summary = (report: GateReport) => report.blocking.map((b) => `${b.title} [${b.reason}]`).join(", ");

async function waitForGate(client: ApiClient, path: string, options: { timeoutMs: number; intervalMs: number; json: boolean }): Promise<number> {
  const deadline = Date.now() + options.timeoutMs;
  const say = (line: string) => console.error(line);
  let last: GateReport | null = null;
  let etag: string | null = null;
  for (;;) {
    try {
      // If-None-Match: an unchanged gate is a 304 with no body, cheap to ask often.
      const response: ApiResponse<GateReport> = await client.request<GateReport>("GET", path, undefined, etag && last ? { "if-none-match": etag } : {});
      if (response.status !== 304) {
        const now = response.body;
        const changed = !last || summary(last) !== summary(now);
        last = now;
        etag = response.headers.get("etag");
        if (now.open) return finish(now, options.json);
        if (now.blocking.some((b) => b.reason === "rejected")) return finish(now, options.json, "an item was rejected");
        if (changed) say(`shipcheck: gate for ${now.release} → ${now.environment} closed: ${summary(now)}; waiting`);
      }
    } catch (error) {
      // A restart or an outage must not fail the pipeline: keep asking until the timeout.
      if (!(error instanceof ApiError) || !RETRYABLE_STATUSES.has(error.status)) throw error;
      say(`shipcheck: ${error.message}; asking again`);
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      if (last) return finish(last, options.json, `still closed after ${Math.round(options.timeoutMs / 1000)} s`);
      throw new ApiError(`no answer from Shipcheck within ${Math.round(options.timeoutMs / 1000)} s`, 0);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(options.intervalMs, left)));
  }
}
