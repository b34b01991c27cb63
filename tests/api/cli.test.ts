// The `shipcheck` command as CI runs it: the one-file bundle downloaded from the server
// (GET /cli/shipcheck.mjs), alone in an empty directory with no node_modules anywhere above it,
// run with `node` against the running app (SHIPCHECK_URL, SHIPCHECK_TOKEN). Exit codes are the
// contract: report 0 or 2; gate 0 open, 1 closed, 2 error.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeProject, makeUser, randomSha, uniqueSuffix } from "../support/fixtures";
import { openStagingGate } from "../support/flow";
import { api, baseUrl, signIn } from "../support/http";

type Run = { code: number; stdout: string; stderr: string };

let dir: string;
let bundle: string;

/** Runs the downloaded CLI in its empty directory, in a clean environment (no CI variables leak in). */
function shipcheck(args: string[], env: Record<string, string | undefined> = {}, cwd = dir): Promise<Run> {
  const clean: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", ...env };
  return new Promise((resolve) => {
    execFile(process.execPath, [bundle, ...args], { cwd, env: clean as NodeJS.ProcessEnv, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** No node_modules in the directory or any above it: the bundle can lean on nothing installed. */
async function noNodeModulesUpFrom(start: string): Promise<void> {
  for (let at = start; ; at = path.dirname(at)) {
    const entries = await readdir(at).catch(() => [] as string[]);
    expect(entries, `node_modules in ${at}`).not.toContain("node_modules");
    if (path.dirname(at) === at) return;
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "shipcheck-cli-"));
  await noNodeModulesUpFrom(dir);
  // What `curl -fsSLo shipcheck.mjs "$SHIPCHECK_URL/cli/shipcheck.mjs"` does.
  const response = await fetch(`${baseUrl()}/cli/shipcheck.mjs`);
  expect(response.status).toBe(200);
  bundle = path.join(dir, "shipcheck.mjs");
  await writeFile(bundle, Buffer.from(await response.arrayBuffer()));
  expect(await readdir(dir)).toEqual(["shipcheck.mjs"]);
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
    expect(usage.stderr).toContain("--release is required");
    const format = await shipcheck(["report", "--project", p.slug, "--release", p.version, "--format", "tap", report], as(p));
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("--format must be one of junit, ctrf, json");
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
    // A re-run pipeline: the same release of the same commit is there already, and that is fine.
    const rerun = await shipcheck(["release", "create", "--project", p.slug, "--version", "v2.0.0", "--template", name], { ...as(p), GITHUB_SHA: commit });
    expect(rerun).toMatchObject({ code: 0, stdout: `Release v2.0.0 exists already at ${commit.slice(0, 12)}: nothing to do\n` });
    const rerunJson = await shipcheck(["release", "create", "--project", p.slug, "--version", "v2.0.0", "--commit", commit, "--template", name, "--json"], as(p));
    expect(JSON.parse(rerunJson.stdout)).toEqual({ version: "v2.0.0", commit, created: false });
    // The same version for another commit is still refused, with the server's message.
    const other = await shipcheck(["release", "create", "--project", p.slug, "--version", "v2.0.0", "--commit", randomSha(), "--template", name], as(p));
    expect(other.code).toBe(2);
    expect(other.stderr).toContain("HTTP 409: release v2.0.0 already exists");
    const noCommit = await shipcheck(["release", "create", "--project", p.slug, "--version", "v2.0.1", "--template", name], as(p));
    expect(noCommit.code).toBe(2);
    expect(noCommit.stderr).toContain("--commit is required outside GitHub Actions and GitLab CI");

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
    expect(usage.stderr).toContain("--release and --environment are required");
  });
});

describe("the CLI as one file", () => {
  it("is served at /cli/shipcheck.mjs and /cli/shipcheck-<version>.mjs as JavaScript with a content-hash ETag; the same bytes as the built bundle", async () => {
    const built = await readFile(path.join(process.cwd(), "packages/cli/dist/shipcheck.mjs"));
    const version = JSON.parse(await readFile(path.join(process.cwd(), "packages/cli/package.json"), "utf8")).version as string;
    const current = await fetch(`${baseUrl()}/cli/shipcheck.mjs`);
    expect(current.status).toBe(200);
    expect(current.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(current.headers.get("x-shipcheck-cli-version")).toBe(version);
    expect(current.headers.get("cache-control")).toBe("public, no-cache");
    const etag = current.headers.get("etag")!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(Buffer.from(await current.arrayBuffer()).equals(built)).toBe(true);
    expect(built.subarray(0, 20).toString()).toBe("#!/usr/bin/env node\n");

    const again = await fetch(`${baseUrl()}/cli/shipcheck.mjs`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");

    const pinned = await fetch(`${baseUrl()}/cli/shipcheck-${version}.mjs`);
    expect(pinned.status).toBe(200);
    expect(pinned.headers.get("etag")).toBe(etag);
    expect(pinned.headers.get("cache-control")).toContain("immutable");
    expect(Buffer.from(await pinned.arrayBuffer()).equals(built)).toBe(true);

    const other = await fetch(`${baseUrl()}/cli/shipcheck-0.0.0-old.mjs`);
    expect(other.status).toBe(404);
    expect((await other.json()).error.message).toContain(`version ${version} only`);
    const unknown = await fetch(`${baseUrl()}/cli/secrets.env`);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe("not_found");
  });

  it("prints its version and help for every command without a server", async () => {
    const version = JSON.parse(await readFile(path.join(process.cwd(), "packages/cli/package.json"), "utf8")).version as string;
    expect(await shipcheck(["--version"])).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    expect(JSON.parse((await shipcheck(["--version", "--json"])).stdout)).toEqual({ version });
    const help = await shipcheck(["--help"]);
    expect(help.code).toBe(0);
    for (const command of ["report", "gate", "release create", "template push"]) {
      expect(help.stdout).toContain(`  ${command} --`);
      const own = await shipcheck([...command.split(" "), "--help"]);
      expect(own.code, command).toBe(0);
      expect(own.stdout).toMatch(new RegExp(`^Usage: shipcheck ${command} [\\s\\S]*Exit: 0`));
    }
    expect((await shipcheck(["gate", "--help"])).stdout).toContain("--wait");
    const nothing = await shipcheck([]);
    expect(nothing.code).toBe(2);
    const unknown = await shipcheck(["deploy"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "deploy"');
    const badOption = await shipcheck(["gate", "--projekt", "x"]);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain("Unknown option '--projekt'");
  });
});

describe("shipcheck report with several files", () => {
  it("posts each file a glob matches (one request each, one Idempotency-Key each), prints the gate once; --json parses", async () => {
    const p = await makeProject();
    const reports = path.join(dir, `surefire-${uniqueSuffix()}`);
    await mkdir(reports);
    const surefire = (cls: string, test: string) =>
      `<?xml version="1.0" encoding="UTF-8"?><testsuite name="pytest" tests="1"><testcase classname="${cls}" name="${test}" time="0.01"/></testsuite>`;
    await writeFile(path.join(reports, "TEST-tests.smoke.test_a.xml"), surefire("tests.smoke.test_a", "test_one"));
    await writeFile(path.join(reports, "TEST-tests.smoke.test_b.xml"), surefire("tests.smoke.test_b", "test_two"));
    await writeFile(path.join(reports, "TEST-tests.unit.test_c.xml"), surefire("tests.unit.test_c", "test_three"));
    await writeFile(path.join(reports, "summary.txt"), "not a report");
    // The outer class of a @Nested class: Surefire's empty report, skipped among a glob's files.
    await writeFile(path.join(reports, "TEST-tests.smoke.Outer.xml"), '<?xml version="1.0"?><testsuite name="tests.smoke.Outer" tests="0"/>');
    const relative = path.relative(dir, reports);
    const args = ["report", "--project", p.slug, "--release", p.version, "--environment", "staging", `${relative}/TEST-*.xml`];

    const run = await shipcheck(args, { ...as(p), GITHUB_SHA: p.commit });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout.match(/^Reported 1 result \(junit\) from .*TEST-tests\..*\.xml to /gm)).toHaveLength(3);
    expect(run.stdout.match(/^Gate staging:/gm)).toHaveLength(1);
    expect(run.stdout).toContain("Skipped ");
    expect(run.stdout).toContain("3 of 4 reports recorded; 1 skipped (no test case)");
    for (const key of ["tests/smoke/test_a.py::test_one", "tests/smoke/test_b.py::test_two", "tests/unit/test_c.py::test_three"]) {
      expect((await history(p, key)).runs, key).toEqual([expect.objectContaining({ status: "passed", environment: "staging", commit: p.commit })]);
    }

    // The same step again, as JSON: every file replayed, nothing counted twice.
    const json = await shipcheck([...args, "--json"], { ...as(p), GITHUB_SHA: p.commit });
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { files: { file: string; format: string; replayed: boolean; result: { accepted: number } }[]; skipped: string[]; errors: unknown[] };
    expect(parsed.errors).toEqual([]);
    expect(parsed.skipped.map((f) => path.basename(f))).toEqual(["TEST-tests.smoke.Outer.xml"]);
    expect(parsed.files.map((f) => [path.basename(f.file), f.format, f.replayed, f.result.accepted])).toEqual([
      ["TEST-tests.smoke.test_a.xml", "junit", true, 1],
      ["TEST-tests.smoke.test_b.xml", "junit", true, 1],
      ["TEST-tests.unit.test_c.xml", "junit", true, 1],
    ]);
    expect((await history(p, "tests/smoke/test_a.py::test_one")).runs).toHaveLength(1);

    // A glob that matches nothing fails the step rather than passing as "nothing to report".
    const none = await shipcheck([...args.slice(0, -1), `${relative}/junit-*.xml`], as(p));
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`no file matches ${relative}/junit-*.xml`);

    // One bad file among good ones: the good ones are recorded, the command fails naming the bad one.
    await writeFile(path.join(reports, "TEST-broken.xml"), "not xml at all");
    const mixed = await shipcheck([...args.slice(0, -1), path.join(relative, "TEST-broken.xml"), path.join(relative, "TEST-tests.smoke.test_a.xml")], as(p));
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain("TEST-broken.xml: ");
    expect(mixed.stdout).toContain("1 of 2 reports recorded; 1 failed");
  });
});

describe("shipcheck gate --json and --wait", () => {
  it("--json prints the gate as the API says it, with the exit code of the gate", async () => {
    const p = await makeProject();
    const run = await shipcheck(["gate", "--project", p.slug, "--release", p.version, "--environment", "staging", "--json"], as(p));
    expect(run.code).toBe(1);
    const gate = JSON.parse(run.stdout);
    expect(gate).toMatchObject({ release: p.version, environment: "staging", open: false });
    expect(gate.blocking.map((b: { item: string }) => b.item)).toContain("release-approval");
    const error = await shipcheck(["gate", "--project", p.slug, "--release", "v9.9.9", "--environment", "staging", "--json"], as(p));
    expect(error.code).toBe(2);
    expect(JSON.parse(error.stdout)).toEqual({ error: { message: expect.stringContaining("HTTP 404"), status: 404 } });
  });

  it("--wait follows the gate until it opens while the test signs off meanwhile: exit 0", async () => {
    const p = await makeProject();
    const waiting = shipcheck(["gate", "--project", p.slug, "--release", p.version, "--environment", "staging", "--wait", "--interval", "0.3s", "--timeout", "40s"], as(p));
    await new Promise((r) => setTimeout(r, 1000));
    await openStagingGate(p);
    const run = await waiting;
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`Gate for ${p.version} → staging: open\n`);
    expect(run.stderr).toMatch(/gate for .* closed: .*Release manager approval \[approvals\].*; waiting/);
  });

  it("--wait stops at a rejection (exit 1, naming it) and at the timeout (exit 1)", async () => {
    const p = await makeProject();
    const timedOut = await shipcheck(["gate", "--project", p.slug, "--release", p.version, "--environment", "staging", "--wait", "--interval", "0.3s", "--timeout", "1s"], as(p));
    expect(timedOut.code).toBe(1);
    expect(timedOut.stdout).toMatch(/closed \(\d+ blocking\): still closed after 1 s/);

    const waiting = shipcheck(["gate", "--project", p.slug, "--release", p.version, "--environment", "staging", "--wait", "--interval", "0.3s", "--timeout", "40s"], as(p));
    await new Promise((r) => setTimeout(r, 800));
    const manager = await makeUser(p.slug, "release-manager");
    const headers = { cookie: await signIn(manager.email, manager.password), origin: baseUrl() };
    const rejected = await api(`/api/v1/projects/${p.slug}/releases/${p.version}/items/release-approval/rejections`, { json: { environment: "staging", reason: "the rollback plan is missing" }, headers });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(201);
    const run = await waiting;
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("closed");
    expect(run.stdout).toContain(": an item was rejected");
    expect(run.stdout).toMatch(/✗ Release manager approval \[rejected\]/);
  });
});

/** A proxy in front of the app that answers 503 (Retry-After: 1) to the first `failures` requests. */
async function flakyProxy(failures: number, port = 0): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const target = new URL(baseUrl());
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers["idempotency-key"] ?? ""}`);
    if (seen.length <= failures) {
      req.resume();
      res.writeHead(503, { "content-type": "application/json", "retry-after": "1" });
      res.end(JSON.stringify({ error: { code: "service_unavailable", message: "restarting" } }));
      return;
    }
    const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${address.port}`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe("retries across a restart", () => {
  const open: { close(): Promise<void> }[] = [];
  afterAll(async () => Promise.all(open.map((p) => p.close())));

  it("report retries 503s with the same Idempotency-Key and records the report once", async () => {
    const p = await makeProject();
    const proxy = await flakyProxy(2);
    open.push(proxy);
    const report = await file("results.json", REPORT);
    const run = await shipcheck(["report", "--project", p.slug, "--release", p.version, "--environment", "staging", report], { SHIPCHECK_URL: proxy.url, SHIPCHECK_TOKEN: p.token });
    expect(run.code).toBe(0);
    expect(run.stderr.match(/HTTP 503: restarting; retrying in 1 s \(attempt \d of 5, same Idempotency-Key\)/g)).toHaveLength(2);
    expect(proxy.seen).toHaveLength(3);
    const keys = new Set(proxy.seen.map((line) => line.split(" ")[2]));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^shipcheck-report-[0-9a-f]{64}$/);
    expect((await history(p, "tests/smoke/test_a.py::test_ok")).runs).toHaveLength(1);
  });

  it("gate --wait keeps asking while nothing listens (the server is down), and opens once it is back", async () => {
    const p = await makeProject();
    await openStagingGate(p);
    // A port with nothing on it yet: connection refused until the "restarted" server listens.
    const probe = await flakyProxy(0);
    const port = Number(new URL(probe.url).port);
    await probe.close();
    const waiting = shipcheck(["gate", "--project", p.slug, "--release", p.version, "--environment", "staging", "--wait", "--interval", "0.3s", "--timeout", "40s"], {
      SHIPCHECK_URL: `http://127.0.0.1:${port}`,
      SHIPCHECK_TOKEN: p.token,
    });
    await new Promise((r) => setTimeout(r, 1500));
    const back = await flakyProxy(1, port);
    open.push(back);
    const run = await waiting;
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`Gate for ${p.version} → staging: open\n`);
    expect(run.stderr).toContain("cannot reach Shipcheck");
    expect(run.stderr).toContain("HTTP 503: restarting; asking again");
  });

  it("gate without --wait retries a connection refused until its attempts run out: exit 2 with the reason", async () => {
    const p = await makeProject();
    const probe = await flakyProxy(0);
    await probe.close();
    const run = await shipcheck(["gate", "--project", p.slug, "--release", p.version, "--environment", "staging"], {
      SHIPCHECK_URL: probe.url,
      SHIPCHECK_TOKEN: p.token,
      SHIPCHECK_RETRY_ATTEMPTS: "2",
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot reach Shipcheck at .*ECONNREFUSED.*retrying in [\d.]+ s \(attempt 2 of 2\)/);
  });
});
