// The `shipcheck` command as CI runs it: `node bin/shipcheck.mjs …` against the running app, with
// SHIPCHECK_URL and SHIPCHECK_TOKEN. Exit codes are the contract: report 0 or 2; gate 0 open,
// 1 closed, 2 error.
import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { checkoutDir, ciRunFacts, detectFormat, idempotencyKey } from "@/cli/report-command";
import { makeProject, randomSha, uniqueSuffix } from "../support/fixtures";
import { api, baseUrl } from "../support/http";

type Run = { code: number; stdout: string; stderr: string };

/** Runs the CLI in a clean environment (no CI variables leak in from the machine running the tests). */
function shipcheck(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const clean: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", ...env };
  return new Promise((resolve) => {
    execFile(process.execPath, ["bin/shipcheck.mjs", ...args], { cwd: process.cwd(), env: clean as NodeJS.ProcessEnv, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "shipcheck-cli-"));
});

async function file(name: string, content: string): Promise<string> {
  const full = path.join(dir, `${uniqueSuffix()}-${name}`);
  await writeFile(full, content);
  return full;
}

type Project = Awaited<ReturnType<typeof makeProject>>;
const as = (p: { token: string }) => ({ SHIPCHECK_URL: baseUrl(), SHIPCHECK_TOKEN: p.token });
const history = async (p: Project, key: string) =>
  (await api(`/api/v1/projects/${p.slug}/releases/${p.version}/results/history?key=${encodeURIComponent(key)}`, { token: p.token })).body as {
    runs: { status: string; environment: string | null; runId: string | null; runUrl: string | null; commit: string }[];
  };

const REPORT = JSON.stringify({
  results: [
    { key: "tests/smoke/test_a.py::test_ok", status: "passed", durationMs: 12 },
    { key: "tests/smoke/test_b.py::test_ok", status: "passed" },
    { key: "tests/unit/test_c.py::test_unrelated", status: "failed", message: "AssertionError" },
  ],
});

describe("shipcheck report", () => {
  it("posts Shipcheck JSON with the command's environment, commit and run; prints matches, unmatched count and the gate; exit 0", async () => {
    const p = await makeProject();
    const report = await file("results.json", REPORT);
    const args = ["report", "--project", p.slug, "--release", p.version, "--environment", "staging", "--commit", p.commit.slice(0, 10), "--run-id", "77", "--run-url", "https://ci.example/runs/77", report];
    const run = await shipcheck(args, as(p));
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Reported 3 results (json) to ${p.slug} ${p.version}, staging, commit ${p.commit.slice(0, 12)}`);
    expect(run.stdout).toMatch(/Matched:\n {2}smoke-tests: 2 results\n/);
    expect(run.stdout).toContain("Unmatched: 1 result match no item's pattern");
    expect(run.stdout).toContain("? tests/unit/test_c.py::test_unrelated");
    expect(run.stdout).toMatch(/Gate staging: closed \(2 blocking\)/);
    expect(run.stdout).toContain("✗ WebSocket throughput above 500 events/s [pending]");
    expect(run.stdout).toContain("✗ Release manager approval [approvals]");
    // Done on staging after its deploy: it does not hold staging.
    expect(run.stdout).not.toContain("Critical WebSocket events visible on staging");
    expect(run.stdout).not.toContain("Gate production");

    const runs = (await history(p, "tests/smoke/test_a.py::test_ok")).runs;
    expect(runs).toEqual([expect.objectContaining({ status: "passed", environment: "staging", runId: "77", runUrl: "https://ci.example/runs/77", commit: p.commit })]);

    // A retried CI step: same file, same release and run -> the first response again, nothing counted twice.
    const again = await shipcheck(args, as(p));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("Already reported");
    expect((await history(p, "tests/smoke/test_a.py::test_ok")).runs).toHaveLength(1);

    // The file's own environment wins over --environment, with a warning.
    const own = await file("own.json", JSON.stringify({ environment: "production", results: [{ key: "tests/smoke/test_d.py::test_ok", status: "passed" }] }));
    const mixed = await shipcheck(["report", "--project", p.slug, "--release", p.version, "--environment", "staging", own], as(p));
    expect(mixed.code).toBe(0);
    expect(mixed.stderr).toContain('says environment "production"');
    expect(mixed.stdout).toContain("Gate production: closed");
  });

  it("posts JUnit XML and CTRF as they are, with environment, commit and run as query parameters", async () => {
    const p = await makeProject();
    const junit = await file(
      "report.xml",
      `<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="0" failures="1" skipped="0" tests="2" time="0.05" timestamp="2026-11-28T10:00:00.000000+00:00" hostname="ci">
<testcase classname="tests.smoke.test_a" name="test_ok" time="0.001" />
<testcase classname="tests.smoke.test_b" name="test_bad" time="0.002"><failure message="assert 1 == 2">def test_bad():
&gt;       assert 1 == 2</failure></testcase>
</testsuite></testsuites>`,
    );
    const run = await shipcheck(["report", "--project", p.slug, "--release", p.version, "--environment", "staging", "--commit", p.commit, "--run-id", "88", junit], as(p));
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Reported 2 results (junit) to ${p.slug} ${p.version}, staging`);
    expect(run.stdout).toContain("smoke-tests: 2 results");
    expect(run.stdout).toContain("✗ Smoke tests pass [failed]");
    expect((await history(p, "tests/smoke/test_b.py::test_bad")).runs).toEqual([expect.objectContaining({ status: "failed", environment: "staging", runId: "88" })]);

    const ctrf = await file(
      "ctrf.json",
      JSON.stringify({
        results: {
          tool: { name: "jest" },
          summary: { tests: 1, passed: 1, failed: 0, pending: 0, skipped: 0, other: 0, start: Date.now() - 5000, stop: Date.now() },
          tests: [{ name: "test_ok", status: "passed", duration: 5, filePath: "tests/smoke/test_e.py" }],
        },
      }),
    );
    const ctrfRun = await shipcheck(["report", "--project", p.slug, "--release", p.version, "--environment", "production", "--run-url", "https://ci.example/r/5", ctrf], as(p));
    expect(ctrfRun.code).toBe(0);
    expect(ctrfRun.stdout).toContain(`Reported 1 result (ctrf) to ${p.slug} ${p.version}, production`);
    expect((await history(p, "tests/smoke/test_e.py::test_ok")).runs).toEqual([expect.objectContaining({ status: "passed", environment: "production", runUrl: "https://ci.example/r/5" })]);
  });

  it("takes the run from GitHub Actions' variables when none is given", async () => {
    const p = await makeProject();
    const report = await file("results.json", REPORT);
    const run = await shipcheck(["report", "--project", p.slug, "--release", p.version, report], {
      ...as(p),
      GITHUB_ACTIONS: "true",
      GITHUB_RUN_ID: "123456",
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_REPOSITORY: "octo/app",
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Reported 3 results (json) to ${p.slug} ${p.version}, every environment`);
    expect(run.stdout).toMatch(/Gate staging: closed[\s\S]*Gate production: closed/);
    const runs = (await history(p, "tests/smoke/test_b.py::test_ok")).runs;
    expect(runs[0]).toMatchObject({ runId: "123456", runUrl: "https://github.com/octo/app/actions/runs/123456", environment: null });
  });

  it("exits 2 with a clear message: no token, bad URL, unknown release (the server's message), missing file, unreadable file, bad usage", async () => {
    const p = await makeProject();
    const report = await file("results.json", REPORT);
    const args = ["report", "--project", p.slug, "--release", p.version, report];

    const noToken = await shipcheck(args, { SHIPCHECK_URL: baseUrl() });
    expect(noToken).toMatchObject({ code: 2, stdout: "" });
    expect(noToken.stderr).toContain("SHIPCHECK_TOKEN is not set");

    const badUrl = await shipcheck(args, { ...as(p), SHIPCHECK_URL: "localhost:3000" });
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain("SHIPCHECK_URL must start with http:// or https://");

    const badToken = await shipcheck(args, { ...as(p), SHIPCHECK_TOKEN: "shp_nope" });
    expect(badToken.code).toBe(2);
    expect(badToken.stderr).toContain("HTTP 401: invalid, expired or revoked API token");

    const unknown = await shipcheck(["report", "--project", p.slug, "--release", "v9.9.9", report], as(p));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('HTTP 404: release "v9.9.9" not found');

    const invalid = await shipcheck(["report", "--project", p.slug, "--release", p.version, await file("bad.json", '{"results":[{"key":"k","status":"green"}]}')], as(p));
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/HTTP 422: the request body is not valid\n {2}results\.0\.status: /);

    const missing = await shipcheck(["report", "--project", p.slug, "--release", p.version, path.join(dir, "nothing-here.xml")], as(p));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read the report");
    expect(missing.stderr).toContain("no such file");

    const garbage = await shipcheck(["report", "--project", p.slug, "--release", p.version, await file("report.txt", "all good!")], as(p));
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toContain("neither XML (JUnit) nor JSON");

    const usage = await shipcheck(["report", "--project", p.slug, report], as(p));
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--project, --release and a report file are required");
    const format = await shipcheck(["report", "--project", p.slug, "--release", p.version, "--format", "tap", report], as(p));
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("--format must be one of junit, ctrf, json");
  });

  it("detects the format and derives a stable Idempotency-Key from the file and where it goes", () => {
    expect(detectFormat('\n  <?xml version="1.0"?><testsuites/>')).toBe("junit");
    expect(detectFormat('{"results":{"tool":{"name":"jest"},"summary":{},"tests":[]}}')).toBe("ctrf");
    expect(detectFormat('{"results":[]}')).toBe("json");
    expect(() => detectFormat("")).toThrow(/empty/);
    const bytes = Buffer.from(REPORT);
    const key = idempotencyKey(bytes, "p", "v1", "json", { environment: "staging" });
    expect(key).toMatch(/^shipcheck-report-[0-9a-f]{64}$/);
    expect(idempotencyKey(Buffer.from(REPORT), "p", "v1", "json", { environment: "staging" })).toBe(key);
    expect(idempotencyKey(bytes, "p", "v1", "json", { environment: "production" })).not.toBe(key);
    expect(idempotencyKey(bytes, "p", "v2", "json", { environment: "staging" })).not.toBe(key);
    expect(idempotencyKey(Buffer.from(REPORT + " "), "p", "v1", "json", { environment: "staging" })).not.toBe(key);
    expect(ciRunFacts({ GITLAB_CI: "true", CI_JOB_ID: "9", CI_JOB_URL: "https://gitlab.example/j/9" })).toEqual({ runId: "9", runUrl: "https://gitlab.example/j/9" });
    expect(ciRunFacts({})).toEqual({});
    expect(idempotencyKey(bytes, "p", "v1", "json", { environment: "staging" }, "/ci/a")).not.toBe(idempotencyKey(bytes, "p", "v1", "json", { environment: "staging" }, "/ci/b"));
  });

  it("takes the checkout directory from --base-dir, GITHUB_WORKSPACE, CI_PROJECT_DIR, else the current directory", () => {
    expect(checkoutDir({ GITHUB_WORKSPACE: "/gh/app", CI_PROJECT_DIR: "/builds/g/app" }, "/given")).toBe("/given");
    expect(checkoutDir({ GITHUB_WORKSPACE: "/gh/app", CI_PROJECT_DIR: "/builds/g/app" })).toBe("/gh/app");
    expect(checkoutDir({ CI_PROJECT_DIR: "/builds/g/app" })).toBe("/builds/g/app");
    expect(checkoutDir({})).toBe(process.cwd());
  });

  it("sends the checkout directory, so a CTRF report's absolute paths become repository keys; warns about the rest", async () => {
    const p = await makeProject();
    const checkout = path.join(dir, `checkout-${uniqueSuffix()}`);
    const ctrf = (root: string) =>
      JSON.stringify({
        results: {
          tool: { name: "jest" },
          summary: { start: 0, stop: 0 },
          tests: [{ name: "checkout cart adds", status: "passed", duration: 3, filePath: `${root}/tests/smoke/checkout.test.js`, suite: "checkout.test.js > checkout > cart" }],
        },
      });
    const report = await file("ctrf.json", ctrf(checkout));
    const run = await shipcheck(["report", "--project", p.slug, "--release", p.version, report], { ...as(p), GITHUB_WORKSPACE: checkout });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain("Warning:");
    expect((await history(p, "tests/smoke/checkout.test.js::checkout::cart::adds")).runs).toHaveLength(1);

    const elsewhere = await file("ctrf-elsewhere.json", ctrf("/srv/other"));
    const warned = await shipcheck(["report", "--project", p.slug, "--release", p.version, "--base-dir", checkout, elsewhere], as(p));
    expect(warned.code).toBe(0);
    expect(warned.stdout).toContain("Warning: 1 result keyed by the absolute path /srv/other/tests/smoke/checkout.test.js");
  });
});

const CHECK_ONLY = (name: string) => `
name: ${name}
sections:
  - title: Pre-deploy checks
    phase: pre-deploy
    items:
      - key: smoke-tests
        title: Smoke tests pass
        kind: check
        patterns: ["tests/smoke/"]
`;

describe("shipcheck template push, release create and gate", () => {
  it("pushes a template (version 1, then unchanged), creates a release, and the gate goes from exit 1 (with reasons) to exit 0", async () => {
    const p = await makeProject();
    const name = `ci-${uniqueSuffix()}`;
    const template = await file("checklist.yml", CHECK_ONLY(name));
    const pushed = await shipcheck(["template", "push", "--project", p.slug, template], as(p));
    expect(pushed).toMatchObject({ code: 0, stdout: `Template ${name}: saved version 1\n` });
    const unchanged = await shipcheck(["template", "push", "--project", p.slug, template], as(p));
    expect(unchanged).toMatchObject({ code: 0, stdout: `Template ${name}: unchanged (version 1)\n` });

    const commit = randomSha();
    const created = await shipcheck(["release", "create", "--project", p.slug, "--version", "v2.0.0", "--commit", commit, "--template", name], as(p));
    expect(created).toMatchObject({ code: 0, stdout: `Created release v2.0.0 at ${commit.slice(0, 12)}\n` });

    const gateArgs = ["gate", "--project", p.slug, "--release", "v2.0.0", "--environment", "staging"];
    const closed = await shipcheck(gateArgs, as(p));
    expect(closed.code).toBe(1);
    expect(closed.stdout).toBe("Gate for v2.0.0 → staging: closed (1 blocking)\n  ✗ Smoke tests pass [pending]: no result yet\n");

    const failing = await file("failing.json", JSON.stringify({ results: [{ key: "tests/smoke/test_a.py::test_ok", status: "failed", message: "boom" }] }));
    const reported = await shipcheck(["report", "--project", p.slug, "--release", "v2.0.0", "--environment", "staging", failing], as(p));
    expect(reported.code).toBe(0);
    expect(reported.stdout).toContain("Gate staging: closed (1 blocking)");
    const stillClosed = await shipcheck(gateArgs, as(p));
    expect(stillClosed.code).toBe(1);
    expect(stillClosed.stdout).toContain("✗ Smoke tests pass [failed]");

    const passing = await file("passing.json", JSON.stringify({ results: [{ key: "tests/smoke/test_a.py::test_ok", status: "passed" }] }));
    const fixed = await shipcheck(["report", "--project", p.slug, "--release", "v2.0.0", "--environment", "staging", passing], as(p));
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain("Gate staging: open");
    const open = await shipcheck(gateArgs, as(p));
    expect(open).toMatchObject({ code: 0, stdout: "Gate for v2.0.0 → staging: open\n" });
    // Production waits for its own items only: staging is open, the check is reported for staging only.
    const production = await shipcheck([...gateArgs.slice(0, -1), "production"], as(p));
    expect(production.code).toBe(1);
    expect(production.stdout).toContain("✗ Smoke tests pass [pending]");
  });

  it("gate exits 2 on errors: unknown environment (the server's message), missing options", async () => {
    const p = await makeProject();
    const unknown = await shipcheck(["gate", "--project", p.slug, "--release", p.version, "--environment", "qa"], as(p));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('HTTP 422: unknown environment "qa"');
    const usage = await shipcheck(["gate", "--project", p.slug], as(p));
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--project, --release and --environment are required");
  });
});
