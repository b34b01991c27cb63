// GitHub webhook mapping against GitHub's own example payloads (@octokit/webhooks-examples), and
// signature checks against GitHub's published test vector.
import examples from "@octokit/webhooks-examples";
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { AppError } from "@/lib/errors";
import { conclusionStatus, mapGithubEvent, parseGithubBody, repositoryOf, verifyGithubSignature, type GithubMapping } from "./github";

type Payload = Record<string, unknown> & { action?: string };

/** The examples of one event, as plain JSON (deep copies, so tests may change them). */
function examplesOf(event: string): Payload[] {
  const definition = examples.find((d) => d.name === event);
  if (!definition) throw new Error(`no examples for ${event}`);
  return definition.examples.map((e) => structuredClone(e) as unknown as Payload);
}

function exampleWhere(event: string, test: (p: Payload) => boolean): Payload {
  const found = examplesOf(event).find(test);
  if (!found) throw new Error(`no ${event} example matches`);
  return found;
}

const nested = (p: Payload, field: string) => p[field] as Record<string, unknown>;
const conclusionOf = (field: string) => (p: Payload) => (nested(p, field).conclusion as string | null) ?? null;

function accepted(mapping: GithubMapping) {
  if ("ignored" in mapping) throw new Error(`ignored: ${mapping.ignored}`);
  return mapping;
}

describe("workflow_run", () => {
  it("a completed successful run is one passed result for the workflow as a whole", () => {
    const payload = exampleWhere("workflow_run", (p) => p.action === "completed" && conclusionOf("workflow_run")(p) === "success");
    const run = nested(payload, "workflow_run");
    const mapping = accepted(mapGithubEvent("workflow_run", payload));
    expect(mapping.event).toBe("workflow_run");
    expect(mapping.headSha).toBe(run.head_sha);
    // This example's run has an empty name; the workflow's name ("test") is used instead.
    expect(run.name).toBe("");
    expect(mapping.results).toEqual([
      {
        key: "github:test",
        status: "passed",
        durationMs: 0,
        message: `success (${run.html_url})`,
        runId: String(run.id),
        runUrl: run.html_url,
        startedAt: new Date(run.run_started_at as string),
      },
    ]);
  });

  it("names its occurrence by run id and attempt, so a replayed body is recognised and a re-run is not", () => {
    const payload = exampleWhere("workflow_run", (p) => p.action === "completed" && conclusionOf("workflow_run")(p) === "success");
    const run = nested(payload, "workflow_run");
    const first = accepted(mapGithubEvent("workflow_run", payload)).occurrence;
    expect(first).toBe(`workflow_run:${run.id}:${run.run_attempt ?? 1}`);
    expect(accepted(mapGithubEvent("workflow_run", structuredClone(payload))).occurrence).toBe(first);
    Object.assign(run, { run_attempt: Number(run.run_attempt ?? 1) + 1 });
    expect(accepted(mapGithubEvent("workflow_run", payload)).occurrence).not.toBe(first);
    delete run.id;
    expect(accepted(mapGithubEvent("workflow_run", payload)).occurrence).toBeNull();
  });

  it("uses workflow_run.name when present and measures the run from its start to its last update", () => {
    const payload = exampleWhere("workflow_run", (p) => p.action === "completed" && conclusionOf("workflow_run")(p) === "success");
    const run = nested(payload, "workflow_run");
    Object.assign(run, { name: "CI", conclusion: "failure", run_started_at: "2026-11-28T10:00:00Z", updated_at: "2026-11-28T10:04:30Z" });
    const [result] = accepted(mapGithubEvent("workflow_run", payload)).results;
    expect(result).toMatchObject({ key: "github:CI", status: "failed", durationMs: 270_000, startedAt: new Date("2026-11-28T10:00:00Z") });
    expect(result!.message).toBe(`failure (${run.html_url})`);
  });

  it("ignores runs that are not completed, and a completed action without a conclusion", () => {
    const requested = exampleWhere("workflow_run", (p) => p.action === "requested");
    expect(mapGithubEvent("workflow_run", requested)).toEqual({ ignored: 'workflow_run action "requested" is not "completed"' });
    // GitHub's example of a "completed" delivery whose run is still queued, without a conclusion.
    const noConclusion = exampleWhere("workflow_run", (p) => p.action === "completed" && conclusionOf("workflow_run")(p) === null);
    expect(mapGithubEvent("workflow_run", noConclusion)).toEqual({ ignored: "workflow_run completed without a conclusion" });
  });

  it("maps every example: completed ones with a conclusion become exactly one result", () => {
    for (const payload of examplesOf("workflow_run")) {
      const mapping = mapGithubEvent("workflow_run", payload);
      const expected = payload.action === "completed" && conclusionOf("workflow_run")(payload) !== null;
      expect("ignored" in mapping).toBe(!expected);
      if (!("ignored" in mapping)) expect(mapping.results).toHaveLength(1);
    }
  });
});

describe("check_run", () => {
  it("a completed failing check run is keyed by the app's slug and the check's name", () => {
    const payload = exampleWhere("check_run", (p) => p.action === "completed" && conclusionOf("check_run")(p) === "failure");
    const run = nested(payload, "check_run");
    expect((run.app as { slug?: string }).slug).toBe("github-actions");
    const mapping = accepted(mapGithubEvent("check_run", payload));
    expect(mapping).toMatchObject({ event: "check_run", headSha: run.head_sha });
    expect(mapping.results).toEqual([
      {
        key: "github:github-actions/Octocoders-linter",
        status: "failed",
        durationMs: 0,
        message: `failure (${run.html_url})`,
        runId: String(run.id),
        runUrl: run.html_url,
        startedAt: new Date(run.started_at as string),
      },
    ]);
  });

  it("falls back to the app's name without a slug, and puts the output's title in the message", () => {
    const payload = exampleWhere("check_run", (p) => p.action === "completed" && conclusionOf("check_run")(p) === "success");
    const run = nested(payload, "check_run");
    expect((run.app as { slug?: string }).slug).toBeUndefined();
    Object.assign(run, { started_at: "2026-11-28T10:00:00Z", completed_at: "2026-11-28T10:00:01.500Z", output: { title: "3 warnings" } });
    const [result] = accepted(mapGithubEvent("check_run", payload)).results;
    expect(result).toMatchObject({ key: "github:octocoders-linter/Octocoders-linter", status: "passed", durationMs: 1500 });
    expect(result!.message).toBe(`success: 3 warnings (${run.html_url})`);
  });

  it("ignores created, requested_action and rerequested deliveries", () => {
    for (const action of ["created", "requested_action", "rerequested"]) {
      const payload = exampleWhere("check_run", (p) => p.action === action);
      expect(mapGithubEvent("check_run", payload)).toEqual({ ignored: `check_run action "${action}" is not "completed"` });
    }
  });
});

describe("check_suite", () => {
  it("a completed suite of an app is one result keyed by the app, linked to the commit's checks page", () => {
    const payload = exampleWhere("check_suite", (p) => p.action === "completed" && !(nested(p, "check_suite").app as { slug?: string }).slug);
    const suite = nested(payload, "check_suite");
    const mapping = accepted(mapGithubEvent("check_suite", payload));
    const url = `https://github.com/Codertocat/Hello-World/commit/${suite.head_sha}/checks?check_suite_id=${suite.id}`;
    expect(mapping).toMatchObject({ event: "check_suite", headSha: suite.head_sha });
    expect(mapping.results).toEqual([
      {
        key: "github:octocoders-linter",
        status: "passed",
        durationMs: 43_000,
        message: `success (${url})`,
        runId: String(suite.id),
        runUrl: url,
        startedAt: new Date(suite.created_at as string),
      },
    ]);
  });

  it("ignores GitHub Actions suites (one per workflow, unnamed: workflow_run covers them) and requested suites", () => {
    const actions = exampleWhere("check_suite", (p) => p.action === "completed" && (nested(p, "check_suite").app as { slug?: string }).slug === "github-actions");
    expect(mapGithubEvent("check_suite", actions)).toEqual({ ignored: expect.stringMatching(/^check_suite from GitHub Actions/) });
    const requested = exampleWhere("check_suite", (p) => p.action === "requested");
    expect(mapGithubEvent("check_suite", requested)).toEqual({ ignored: 'check_suite action "requested" is not "completed"' });
  });
});

describe("conclusions", () => {
  it("map to result statuses; an unknown conclusion fails rather than passes", () => {
    const table = Object.fromEntries(
      ["success", "failure", "timed_out", "startup_failure", "action_required", "cancelled", "skipped", "neutral", "stale", "something_new"].map((c) => [c, conclusionStatus(c)]),
    );
    expect(table).toEqual({
      success: "passed",
      failure: "failed",
      timed_out: "failed",
      startup_failure: "failed",
      action_required: "failed",
      cancelled: "failed",
      skipped: "skipped",
      neutral: "skipped",
      stale: "skipped",
      something_new: "failed",
    });
  });

  it("apply to every event kind the same way", () => {
    const run = exampleWhere("workflow_run", (p) => p.action === "completed" && conclusionOf("workflow_run")(p) === "success");
    nested(run, "workflow_run").conclusion = "timed_out";
    expect(accepted(mapGithubEvent("workflow_run", run)).results[0]!.status).toBe("failed");
    const check = exampleWhere("check_run", (p) => p.action === "completed" && conclusionOf("check_run")(p) === "success");
    nested(check, "check_run").conclusion = "neutral";
    expect(accepted(mapGithubEvent("check_run", check)).results[0]!.status).toBe("skipped");
  });
});

describe("other events and odd payloads", () => {
  it("ignores events Shipcheck doesn't use", () => {
    expect(mapGithubEvent("push", { ref: "refs/heads/main" })).toEqual({ ignored: 'event "push" is not used by Shipcheck' });
    const job = examplesOf("workflow_job")[0]!;
    expect(mapGithubEvent("workflow_job", job)).toEqual({ ignored: `workflow_job action "${job.action as string}" is not "completed"` });
  });

  it("refuses a completed event without a usable head SHA (ZodError: 422)", () => {
    const payload = exampleWhere("workflow_run", (p) => p.action === "completed" && conclusionOf("workflow_run")(p) === "success");
    nested(payload, "workflow_run").head_sha = "not-a-sha";
    expect(() => mapGithubEvent("workflow_run", payload)).toThrow(ZodError);
    expect(() => mapGithubEvent("check_run", { action: "completed", check_run: { name: "x" } })).toThrow(ZodError);
  });

  it("treats wrongly typed optional fields as absent and keeps untrusted text safe", () => {
    const payload = exampleWhere("check_run", (p) => p.action === "completed" && conclusionOf("check_run")(p) === "success");
    Object.assign(nested(payload, "check_run"), {
      name: "lint\u0000\nall",
      html_url: "javascript:alert(1)",
      details_url: 42,
      started_at: "yesterday",
      completed_at: "2026-11-28T10:00:00Z",
      output: "not an object",
      id: { nested: true },
    });
    const [result] = accepted(mapGithubEvent("check_run", payload)).results;
    expect(result).toEqual({
      key: "github:octocoders-linter/lint all",
      status: "passed",
      durationMs: null,
      message: "success",
      runId: null,
      runUrl: null,
      startedAt: null,
    });
  });

  it("lower-cases the head SHA", () => {
    const payload = exampleWhere("workflow_run", (p) => p.action === "completed" && conclusionOf("workflow_run")(p) === "success");
    const sha = nested(payload, "workflow_run").head_sha as string;
    nested(payload, "workflow_run").head_sha = sha.toUpperCase();
    expect(accepted(mapGithubEvent("workflow_run", payload)).headSha).toBe(sha);
  });
});

describe("payloads", () => {
  it("finds the repository of an event, and none in an organization hook's ping", () => {
    const pings = examplesOf("ping");
    expect(repositoryOf(pings.find((p) => p.repository)!)).toBe("Octocoders/Hello-World");
    expect(repositoryOf(pings.find((p) => !p.repository)!)).toBeNull();
    expect(repositoryOf(null)).toBeNull();
    expect(repositoryOf({ repository: { full_name: 7 } })).toBeNull();
  });

  it("parses JSON bodies and form-encoded ones (the `payload` field)", () => {
    const ping = examplesOf("ping")[0]!;
    const text = JSON.stringify(ping);
    expect(parseGithubBody(text, "application/json")).toEqual(ping);
    expect(parseGithubBody(new URLSearchParams({ payload: text }).toString(), "application/x-www-form-urlencoded")).toEqual(ping);
  });

  it("refuses malformed JSON, non-objects, empty bodies and forms without a payload with a 400", () => {
    for (const [body, type] of [
      ["{not json", "application/json"],
      ["[1,2]", "application/json"],
      ["null", null],
      ["  ", "application/json"],
      ["other=1", "application/x-www-form-urlencoded"],
    ] as const) {
      let caught: unknown;
      try {
        parseGithubBody(body, type);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(AppError);
      expect((caught as AppError).status).toBe(400);
    }
  });
});

describe("signature verification", () => {
  // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
  const secret = "It's a Secret to Everybody";
  const payload = "Hello, World!";
  const expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

  it("accepts GitHub's published test vector", async () => {
    expect(createHmac("sha256", secret).update(payload).digest("hex")).toBe(expected.slice("sha256=".length));
    expect(await verifyGithubSignature(secret, payload, expected)).toBe(true);
    // Hex digits in upper case are the same signature.
    expect(await verifyGithubSignature(secret, payload, `sha256=${expected.slice(7).toUpperCase()}`)).toBe(true);
  });

  it("refuses a wrong signature, a mangled body, another secret, and a missing or malformed header", async () => {
    const flipped = expected.slice(0, -1) + (expected.endsWith("7") ? "8" : "7");
    expect(await verifyGithubSignature(secret, payload, flipped)).toBe(false);
    expect(await verifyGithubSignature(secret, "Hello, World?", expected)).toBe(false);
    expect(await verifyGithubSignature(secret, `${payload} `, expected)).toBe(false);
    expect(await verifyGithubSignature("It's a secret to everybody", payload, expected)).toBe(false);
    expect(await verifyGithubSignature(secret, payload, null)).toBe(false);
    expect(await verifyGithubSignature(secret, payload, "")).toBe(false);
    expect(await verifyGithubSignature(secret, payload, expected.slice(7))).toBe(false);
    expect(await verifyGithubSignature(secret, payload, `sha1=${expected.slice(7, 47)}`)).toBe(false);
    expect(await verifyGithubSignature(secret, payload, `${expected}00`)).toBe(false);
    expect(await verifyGithubSignature("", payload, expected)).toBe(false);
  });

  it("covers the body's UTF-8 bytes", async () => {
    const body = JSON.stringify({ name: "déploiement ✓" });
    const signature = `sha256=${createHmac("sha256", secret).update(Buffer.from(body, "utf8")).digest("hex")}`;
    expect(await verifyGithubSignature(secret, body, signature)).toBe(true);
    expect(await verifyGithubSignature(secret, body.normalize("NFD"), signature)).toBe(false);
  });
});

describe("workflow_job", () => {
  it("a completed job is one result keyed github:<workflow name>/<job name>, so two workflows' jobs differ", () => {
    const payload = exampleWhere("workflow_job", (p) => p.action === "completed" && conclusionOf("workflow_job")(p) === "failure");
    const job = nested(payload, "workflow_job");
    const mapping = accepted(mapGithubEvent("workflow_job", payload));
    expect(mapping.results).toMatchObject([{ key: `github:${job.workflow_name as string}/${job.name as string}`, status: "failed", runId: String(job.run_id) }]);
    expect(mapping.occurrence).toBe(`workflow_job:${String(job.id)}:${String(job.run_attempt)}`);
    const other = structuredClone(payload);
    Object.assign(nested(other, "workflow_job"), { workflow_name: "Nightly" });
    expect(accepted(mapGithubEvent("workflow_job", other)).results[0]!.key).toBe(`github:Nightly/${job.name as string}`);
    // A "/" in a workflow's name cannot make two different pairs read the same.
    Object.assign(nested(other, "workflow_job"), { workflow_name: "a/b" });
    expect(accepted(mapGithubEvent("workflow_job", other)).results[0]!.key).toBe(`github:a\u2215b/${job.name as string}`);
  });

  it("a job not completed, or without a conclusion, is ignored", () => {
    const queued = exampleWhere("workflow_job", (p) => p.action === "queued");
    expect(mapGithubEvent("workflow_job", queued)).toHaveProperty("ignored");
    const completed = exampleWhere("workflow_job", (p) => p.action === "completed");
    nested(completed, "workflow_job").conclusion = null;
    expect(mapGithubEvent("workflow_job", completed)).toHaveProperty("ignored");
  });
});
